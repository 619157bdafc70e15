// The transcript beside the player: the line being said is highlighted and kept in view, a
// click on a line seeks there, more lines come from the JSON API as playback or the reader
// moves (the server renders only a window), and the search box finds lines in the whole
// transcript through /api/v1/search.
// Keyboard: the lines are one Tab stop (a roving tabindex, as in Able Player's transcript and
// the ARIA listbox pattern): arrows, Page keys, Home and End move between lines, Enter or
// Space plays from one. The links stay plain links, for pages without scripts.
// Following is a switch remembered in this browser; while on, it still never moves a line
// someone is reading: it waits while keyboard focus is in the transcript, and after a scroll
// by hand until "Back to the current line".
import { t } from "./i18n.js";

const PAGE = 60;
const AHEAD = 10; // fetch more when the playing line is this close to the last one loaded
const EARLIER_S = 300; // how far back one "earlier" fetch reaches (up to 500 lines)
const MAX_LINES = 400; // lines kept in the page; the far end is dropped beyond this
const FOLLOW_KEY = "sessionnav.transcript-follow";

function followRemembered() {
  try {
    return localStorage.getItem(FOLLOW_KEY) !== "off";
  } catch {
    return true; // storage refused (private mode, a sandboxed frame): the default
  }
}

function rememberFollow(on) {
  try {
    localStorage.setItem(FOLLOW_KEY, on ? "on" : "off");
  } catch {
    // the choice holds for this visit only
  }
}

// Make `a` the one line of its list that Tab reaches.
function rove(a) {
  const old = a.closest("ol").querySelector("a[tabindex='0']");
  if (old && old !== a) old.tabIndex = -1;
  a.tabIndex = 0;
}

function line(tag, className, text) {
  const el = document.createElement(tag);
  el.className = className;
  el.textContent = text;
  return el;
}

function cueItem(cue) {
  const li = document.createElement("li");
  li.id = `cue-${cue.id}`;
  Object.assign(li.dataset, { start: cue.start, end: cue.end });
  const a = document.createElement("a");
  a.href = cue.url;
  a.tabIndex = -1;
  a.append(line("span", "tc", cue.start_tc));
  if (cue.speaker_name) a.append(" ", line("b", "who", cue.speaker_name));
  a.append(` ${cue.text}`);
  li.append(a);
  return li;
}

function hitItem(hit) {
  const li = document.createElement("li");
  li.dataset.start = hit.start;
  const a = document.createElement("a");
  a.href = hit.url;
  a.tabIndex = -1;
  a.append(line("span", "tc", hit.start_tc));
  if (hit.speaker) a.append(" ", line("b", "who", hit.title));
  const text = document.createElement("span");
  // Safe as markup: app.search.mark escapes the stored text and only then adds <mark>.
  text.innerHTML = hit.snippet;
  a.append(" ", text);
  li.append(a);
  return li;
}

export class Transcript {
  constructor(root, player, data) {
    Object.assign(this, { root, player, recording: data.recording, language: data.transcript.language });
    this.api = `${data.api}/transcript`;
    this.box = root.querySelector("#cues-box");
    this.list = root.querySelector("#cues");
    this.hits = root.querySelector("#cue-hits");
    this.status = root.querySelector("#transcript-status");
    this.followButton = root.querySelector("#transcript-follow");
    this.followSwitch = root.querySelector("#transcript-follow-on");
    this.followSwitch.checked = followRemembered();
    this.followSwitch.closest("label").hidden = false;
    this.box.setAttribute("aria-describedby", "transcript-keys");
    this.current = null;
    this.following = true; // false after a scroll by hand, until "Back to the current line"
    this.busy = false;
    const lines = this.lines();
    // The time span whose lines are all loaded: from `from` to the end of the last line.
    this.from = root.querySelector("[data-more=earlier]") ? Number(lines[0].dataset.start) : 0;
    this.complete = !root.querySelector("[data-more=later]");
    for (const more of root.querySelectorAll("[data-more]")) more.hidden = true;
    for (const a of this.list.querySelectorAll("a")) a.tabIndex = -1;

    this.box.addEventListener("click", (e) => this.click(e));
    for (const name of ["wheel", "touchstart"]) {
      this.box.addEventListener(name, () => this.userScrolled(), { passive: true });
    }
    this.box.addEventListener("pointerdown", (e) => e.target === this.box && this.userScrolled());
    this.box.addEventListener("scroll", () => this.nearEdge());
    this.box.addEventListener("keydown", (e) => this.key(e));
    this.box.addEventListener("focusin", (e) => e.target.closest("ol") && rove(e.target));
    this.box.addEventListener("focusout", (e) => {
      if (!this.box.contains(e.relatedTarget) && this.current) this.reveal(this.current);
    });
    this.followButton.addEventListener("click", () => this.follow());
    this.followSwitch.addEventListener("change", () => {
      rememberFollow(this.followSwitch.checked);
      if (this.followSwitch.checked) this.follow();
      else this.followButton.hidden = true;
    });
    const form = root.querySelector(".transcript-search");
    const q = form.elements.q;
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.search(q.value);
    });
    q.addEventListener("input", () => {
      clearTimeout(this.typing);
      this.typing = setTimeout(() => this.search(q.value), 250);
    });
    player.on("timeupdate", () => this.update()).on("seeked", () => this.update());
    this.update();
    this.keepStop(this.list);
  }
  // Someone reads the transcript with the keyboard (a click on a line gives no visible focus).
  reading() {
    const focused = document.activeElement;
    return this.box.contains(focused) && focused.matches(":focus-visible");
  }
  // Lines come and go: make sure one line of `list` is reachable by Tab, the current one first.
  keepStop(list) {
    if (list.querySelector("a[tabindex='0']")) return;
    const a = (list === this.list && this.current?.querySelector("a")) || list.querySelector("a");
    if (a) rove(a);
  }
  key(event) {
    const a = event.target.closest("ol > li > a");
    if (!a || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === " ") {
      event.preventDefault();
      a.click();
      return;
    }
    const links = [...a.closest("ol").querySelectorAll(":scope > li > a")];
    const here = links.indexOf(a);
    const page = Math.max(1, Math.floor(this.box.clientHeight / a.offsetHeight) - 1);
    const to = {
      ArrowDown: here + 1,
      ArrowUp: here - 1,
      PageDown: here + page,
      PageUp: here - page,
      Home: 0,
      End: links.length - 1,
    }[event.key];
    if (to === undefined || event.shiftKey) return;
    event.preventDefault();
    links[Math.max(0, Math.min(links.length - 1, to))].focus();
  }
  lines() {
    return [...this.list.children];
  }
  lastEnd() {
    const last = this.list.lastElementChild;
    return this.complete ? Infinity : last ? Number(last.dataset.end) : this.from;
  }
  update() {
    const t = this.player.currentTime;
    const gap = t - this.lastEnd();
    if (t < this.from || gap > 120) return this.reload(t);
    if (gap > 1) return this.later(); // playback ran past the lines loaded
    const lines = this.lines();
    let now = null;
    for (const li of lines) {
      if (Number(li.dataset.start) > t) break;
      if (t < Number(li.dataset.end)) now = li;
    }
    if (now !== this.current) {
      this.current?.classList.remove("current");
      this.current?.removeAttribute("aria-current");
      now?.classList.add("current");
      now?.setAttribute("aria-current", "true");
      this.current = now;
      const reading = this.reading();
      if (now && this.followSwitch.checked && !reading) rove(now.querySelector("a"));
      if (now && this.following && !reading) this.reveal(now);
    }
    if (now && lines.indexOf(now) >= lines.length - AHEAD) this.later();
  }
  reveal(li) {
    if (this.list.hidden || !this.followSwitch.checked || this.reading()) return;
    this.box.scrollTop = li.offsetTop - this.box.clientHeight / 3;
  }
  click(event) {
    const li = event.target.closest("li[data-start]");
    if (!li || !event.target.closest("a")) return;
    event.preventDefault();
    this.player.seek(Number(li.dataset.start));
    this.follow();
  }
  userScrolled() {
    if (!this.followSwitch.checked) return;
    this.following = false;
    this.followButton.hidden = false;
  }
  follow() {
    this.following = true;
    this.followButton.hidden = true;
    if (this.current) this.reveal(this.current);
  }
  nearEdge() {
    const box = this.box;
    if (this.list.hidden) return;
    if (box.scrollTop < 100 && this.from > 0) this.earlier();
    else if (box.scrollTop + box.clientHeight > box.scrollHeight - 100) this.later();
  }
  async fetchCues(params) {
    const query = new URLSearchParams({ limit: PAGE, language: this.language, ...params });
    const response = await fetch(`${this.api}?${query}`, { headers: { Accept: "application/json" } });
    if (!response.ok) {
      throw new Error(t("the transcript could not be loaded (HTTP {status})", { status: response.status }));
    }
    return response.json();
  }
  // One fetch at a time; a failure is said in the status line and tried again later.
  async load(work) {
    if (this.busy) return;
    this.busy = true;
    try {
      await work();
    } catch (error) {
      this.status.textContent = error.message;
    } finally {
      this.busy = false;
    }
  }
  reload(t) {
    return this.load(async () => {
      const from = Math.max(0, t - 60);
      const page = await this.fetchCues({ from, limit: 200 });
      this.list.replaceChildren();
      this.current = null;
      this.from = from;
      this.complete = page.next === null;
      this.merge(page.items);
      this.update();
      this.keepStop(this.list);
    });
  }
  later() {
    if (this.complete) return;
    return this.load(async () => {
      const last = this.list.lastElementChild;
      const page = await this.fetchCues({ from: last ? last.dataset.start : this.from });
      this.complete = page.next === null;
      this.merge(page.items);
      this.trim(true);
    });
  }
  earlier() {
    return this.load(async () => {
      const from = Math.max(0, this.from - EARLIER_S);
      const page = await this.fetchCues({ from, to: this.from, limit: 500 });
      const height = this.box.scrollHeight;
      this.merge(page.items);
      this.from = from;
      this.box.scrollTop += this.box.scrollHeight - height; // the lines read stay in place
      this.trim(false);
    });
  }
  // Insert cues (in time order) among the lines shown, skipping those already there.
  merge(cues) {
    const lines = this.lines();
    let i = 0;
    for (const cue of cues) {
      if (document.getElementById(`cue-${cue.id}`)) continue;
      while (i < lines.length && Number(lines[i].dataset.start) <= cue.start) i++;
      this.list.insertBefore(cueItem(cue), lines[i] ?? null);
    }
  }
  // Keep the page light during hours of playback: drop lines at the end away from the reader.
  trim(fromStart) {
    const lines = this.lines();
    const extra = lines.length - MAX_LINES;
    if (extra <= 0) return;
    if (fromStart) {
      const height = this.box.scrollHeight;
      for (const li of lines.slice(0, extra)) li.remove();
      this.from = Number(this.list.firstElementChild.dataset.start);
      this.box.scrollTop -= height - this.box.scrollHeight;
    } else {
      for (const li of lines.slice(-extra)) li.remove();
      this.complete = false;
    }
    this.keepStop(this.list);
  }
  async search(text) {
    const q = text.trim();
    this.asked = q;
    this.list.hidden = q !== "";
    this.hits.hidden = q === "";
    if (!q) {
      this.status.textContent = "";
      this.hits.replaceChildren();
      if (this.current) this.reveal(this.current);
      return;
    }
    const params = new URLSearchParams({ q, recording: this.recording, kind: "cue", limit: 50 });
    const response = await fetch(`/api/v1/search?${params}`);
    if (q !== this.asked) return; // a newer search replaced this one
    if (!response.ok) {
      this.status.textContent = t("The search failed; try again.");
      return;
    }
    const { items, next } = await response.json();
    this.hits.replaceChildren(...items.map(hitItem));
    this.keepStop(this.hits);
    this.status.textContent = !items.length
      ? t("No line matches.")
      : next
        ? t("{count}+ lines match", { count: items.length })
        : t("{count} lines match", { count: items.length });
  }
}
