// The navigator page: wires the player to the timeline, the chapter list, the speakers of
// the current session, "skip break", sharing, annotating and the keyboard shortcuts.
// What the first paint does not need comes by `import()` when the page has it: the transcript
// and the speaker turns (asked for at once, in parallel with the player), a signed-in
// reader's annotate form (annotate.js), the frame previews at the first hover or focus on the
// timeline.
import { Annotations } from "./annotate.js";
import { followLive } from "./live.js";
import { installShortcuts } from "./keys.js";
import { createPlayer } from "./player.js";
import { ShareBox } from "./share.js";
import { Timeline } from "./timeline.js";
import { t } from "./i18n.js";
import { announce, copy, formatTime, keepMoment, pageData } from "./util.js";

const data = pageData();

// `#t=` is read by the server like `?t=` (one parser, app/timecodes.py): hand it over.
const fragmentT = new URLSearchParams(location.hash.slice(1)).getAll("t").pop();
if (fragmentT !== undefined) {
  const query = new URLSearchParams(location.search);
  query.set("t", fragmentT);
  location.replace(`${location.pathname}?${query}`);
} else {
  start();
}

// The innermost segment playing at `t`: a talk rather than the session holding it.
function segmentAt(t) {
  let found = null;
  for (const s of data.segments) if (s.start <= t && t < s.end && (!found || s.parent)) found = s;
  return found;
}

// What `n`/`p` visit, in time order: each session's start, then its talks', then the next.
function sessions() {
  return data.segments.filter((s) => s.kind !== "break");
}

// The frame previews' module, loaded at the first hover (or focus) on the timeline; that
// hover is shown once it is in, unless the pointer has left meanwhile.
function previewOnDemand(track, player) {
  if (!data.thumbnails) return;
  let wanted = null;
  const want = (e) => (wanted = e.detail);
  const leave = () => (wanted = null);
  track.addEventListener("timeline:leave", leave);
  track.addEventListener("timeline:hover", want);
  track.addEventListener(
    "timeline:hover",
    async () => {
      const { installPreview } = await import("./preview.js");
      track.removeEventListener("timeline:hover", want);
      track.removeEventListener("timeline:leave", leave);
      installPreview(track, player, data);
      if (wanted) track.dispatchEvent(new CustomEvent("timeline:hover", { detail: wanted }));
    },
    { once: true },
  );
}

async function start() {
  const transcriptModule = data.transcript ? import("./transcript.js") : null;
  const turnsModule = document.querySelector("#lane, #turn-tools") ? import("./turns.js") : null;
  const player = await createPlayer(document.querySelector(".player-box"), data);
  if (!player) return;
  const controls = document.getElementById("controls");
  controls.hidden = false;
  const timeline = new Timeline(document.getElementById("track"), player, data);
  previewOnDemand(document.getElementById("track"), player);
  const annotations = new Annotations({
    form: document.getElementById("annotate"),
    list: document.getElementById("annotations"),
    timeline,
    player,
    data,
  });
  const share = new ShareBox(player, data);
  keepMoment(player);
  if (transcriptModule) {
    const { Transcript } = await transcriptModule;
    new Transcript(document.getElementById("transcript"), player, data);
  }
  if (turnsModule) (await turnsModule).enhanceTurns(player);
  const clock = document.getElementById("clock");
  const playButton = document.getElementById("play");
  const skip = document.getElementById("skip-break");
  const skipLink = document.getElementById("skip-break-link");
  let current;
  let lastTime = player.currentTime;

  // "Speakers of this session": the page holds the playing segment's panel; another's comes
  // when playback enters it (speakers.js). None shows rather than the wrong names meanwhile.
  const speakers = document.querySelector(".speakers");
  function showSpeakers(slug) {
    const panel = speakers.querySelector(`[data-segment="${CSS.escape(slug)}"]`);
    for (const p of speakers.querySelectorAll("[data-segment]")) p.hidden = p !== panel;
    if (!panel) import("./speakers.js").then((m) => m.bring(speakers, slug, () => slug === current));
  }

  // Where playback is, in words: "2:32:30, 0:12:30 into Round table".
  function where() {
    const at = player.currentTime;
    const now = segmentAt(at);
    const time = formatTime(at);
    if (!now) return t("{time}, no session at this moment.", { time });
    return t("{time}, {offset} into {session}", { time, offset: formatTime(at - now.start), session: now.title });
  }

  // Said after a seek or on request: at most once a second, the latest position winning.
  let saidAt = 0;
  let pending = null;
  function sayWhere() {
    const wait = saidAt + 1000 - Date.now();
    if (wait > 0) {
      pending ??= setTimeout(() => {
        pending = null;
        sayWhere();
      }, wait);
      return;
    }
    saidAt = Date.now();
    announce(where());
  }

  // The clock is no live region (it would talk over the recording): a seek says the time,
  // playback entering another session says its name, once.
  function follow() {
    const at = player.currentTime;
    clock.textContent = formatTime(at);
    const jumped = Math.abs(at - lastTime) > 2;
    lastTime = at;
    const now = segmentAt(at);
    const slug = now?.slug ?? "";
    if (jumped) sayWhere();
    if (slug !== current) {
      if (!jumped && !pending && (now || current !== undefined)) {
        announce(now ? t("Now: {session}", { session: now.title }) : t("No session at this moment."));
      }
      current = slug;
      const lit = new Set([now?.slug, now?.parent].filter(Boolean));
      for (const li of document.querySelectorAll("#chapters li")) {
        li.classList.toggle("current", lit.has(li.dataset.slug));
        if (li.dataset.slug === slug) li.setAttribute("aria-current", "true");
        else li.removeAttribute("aria-current");
      }
      for (const block of document.querySelectorAll("#track .block")) {
        block.classList.toggle("current", lit.has(block.dataset.slug));
      }
      showSpeakers(slug);
    }
    const inBreak = !now || now.kind === "break";
    const next = inBreak && sessions().find((s) => s.start > at);
    skip.hidden = !next;
    if (next) skipLink.dataset.seek = next.start;
  }
  player.on("timeupdate", follow).on("seeked", follow);
  player.on("play", () => (playButton.textContent = t("Pause")));
  player.on("pause", () => (playButton.textContent = t("Play")));
  player.on("rangeend", () => announce(t("End of the linked range")));
  follow();

  const step = (s) => () => player.seek(player.currentTime + s);
  const actions = {
    toggle: () => player.toggle(),
    back5: step(-5),
    fwd5: step(5),
    back30: step(-30),
    fwd30: step(30),
    next: () => {
      const next = sessions().find((s) => s.start > player.currentTime + 0.5);
      if (next) player.seek(next.start);
    },
    prev: () => {
      const t = player.currentTime;
      const earlier = sessions().filter((s) => s.start < t - 2);
      if (earlier.length) player.seek(earlier[earlier.length - 1].start);
    },
    where: sayWhere,
    annotate: () => annotations.annotateHere(),
    "copy-moment": () => copy(share.momentUrl(), "moment"),
    "copy-range": () => {
      const url = share.rangeUrl();
      if (!url) return announce(t("Mark in and out first (buttons beside Start and End)."));
      copy(url, "range");
    },
    help: () => document.getElementById("help").showModal(),
  };
  controls.addEventListener("click", (e) => {
    const act = e.target.closest("button")?.dataset.act;
    if (act) actions[act]();
  });
  skipLink.addEventListener("click", (e) => {
    e.preventDefault();
    player.seek(Number(skipLink.dataset.seek));
  });
  document.getElementById("chapters").addEventListener("click", (e) => {
    const link = e.target.closest("a[data-seek]");
    if (!link) return;
    e.preventDefault();
    player.seek(Number(link.dataset.seek));
  });
  installShortcuts(actions);

  // Other people's changes, as they happen. A filtered list takes no new entries (the
  // server decides what a filter matches); entries already on the page still change.
  const changes = () => import("./entry_changes.js");
  followLive(data.live, data.liveAfter, {
    saved: async ({ id, html }) => {
      if (annotations.echo(id)) return false;
      if (data.filtered && !document.getElementById(`annotation-${id}`)) return false;
      if (!html) {
        const response = await fetch(`/a/${id}/item`); // signed in: with this viewer's controls
        if (!response.ok) return false;
        html = await response.text();
      }
      (await changes()).insert(annotations, html);
      return true;
    },
    removed: async ({ id }) => {
      if (annotations.echo(id)) return false;
      if (!document.getElementById(`annotation-${id}`)) return false;
      (await changes()).remove(annotations, String(id));
      return true;
    },
  });

  if (data.highlight) {
    // Scroll the side column (not the page: the player stays in view) to the linked entry.
    const item = document.getElementById(`annotation-${data.highlight}`);
    const side = document.querySelector(".side");
    if (item && side.scrollHeight > side.clientHeight) {
      side.scrollTop += item.getBoundingClientRect().top - side.getBoundingClientRect().top - 16;
    }
  }
  await annotations.ready; // signed in, the annotate form's script
  document.body.dataset.ready = "true";
}
