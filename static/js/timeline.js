// The timeline as a slider: click or arrow keys seek, the playhead follows playback, hovering
// shows the time under the pointer, and it zooms to the current session and back. The
// server's blocks and pins are links (for use without JavaScript); a slider holds nothing
// interactive, so here they become plain spans, a pin's click handled by the slider.
import { t } from "./i18n.js";
import { formatTime, kindName } from "./util.js";

// As app/web/timeline.py's TICK_STEPS: 1, 5, 10, 15, 30 minutes, 1, 2, 3, 6 hours.
const TICK_STEPS = [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600];
const TICK_GAP = 40; // px at least between ticks
const LABEL_GAP = 72; // px at least between labels' centres ("0:00:00" is about 50 px wide)
const PIN = 24; // px: a pin's width, so pins closer than this merge

// A span in the link's place, with its content and attributes (but href and tabindex).
function unlink(link) {
  const span = document.createElement("span");
  for (const { name, value } of link.attributes) {
    if (name !== "href" && name !== "tabindex") span.setAttribute(name, value);
  }
  span.append(...link.childNodes);
  link.replaceWith(span);
  return span;
}

export class Timeline {
  constructor(track, player, data) {
    this.track = track;
    this.player = player;
    this.span = data.span;
    this.segments = data.segments;
    this.view = [0, this.span]; // the stretch shown: the whole recording or a session
    this.playhead = track.querySelector("#playhead");
    this.hover = track.querySelector("#hover");
    this.ticks = document.getElementById("ticks");
    this.where = document.getElementById("whereabouts");
    this.zoomButton = document.getElementById("zoom");
    this.blocks = [...track.querySelectorAll("a.block")].map(unlink);
    this.marks = [...track.querySelectorAll(".mark")].flatMap((pin) =>
      JSON.parse(pin.dataset.members).map(([id, kind, start, end]) => ({ id, kind, start, end })),
    );
    Object.assign(track, { tabIndex: 0 });
    track.setAttribute("role", "slider");
    track.setAttribute("aria-keyshortcuts", "ArrowLeft ArrowRight Shift+ArrowLeft Shift+ArrowRight Home End");
    track.addEventListener("click", (e) => this.click(e));
    track.addEventListener("pointermove", (e) => this.showHover(e));
    track.addEventListener("pointerleave", () => {
      this.hover.hidden = true;
      this.leave();
    });
    track.addEventListener("keydown", (e) => this.key(e));
    track.addEventListener("focus", () => track.matches(":focus-visible") && this.hoverAtPlayhead());
    track.addEventListener("blur", () => this.leave());
    this.zoomButton.addEventListener("click", () => this.toggleZoom());
    player.on("timeupdate", () => this.update(player.currentTime));
    new ResizeObserver(() => this.draw()).observe(track);
    this.draw();
  }

  // Percent of the track at which `time` is drawn in the current view.
  at(time) {
    const [from, to] = this.view;
    return (100 * (time - from)) / (to - from);
  }
  timeAt(event) {
    const box = this.track.getBoundingClientRect();
    const [from, to] = this.view;
    return from + Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1) * (to - from);
  }
  clampToView(time) {
    return Math.min(Math.max(time, this.view[0]), this.view[1]);
  }

  click(event) {
    const mark = event.target.closest(".mark");
    event.preventDefault();
    if (mark) {
      document.getElementById(`annotation-${mark.dataset.id}`)?.querySelector(".jump")?.click();
    } else {
      this.player.seek(this.timeAt(event));
    }
  }
  showHover(event) {
    const time = this.timeAt(event);
    this.hover.hidden = false;
    this.hover.textContent = formatTime(time);
    this.hover.style.left = `${this.at(time)}%`;
    this.emitHover(time, event.clientX - this.track.getBoundingClientRect().left);
  }
  // The frame-preview interface (static/js/preview.js): the time under the pointer, or at the
  // playhead while the slider has keyboard focus, and the x it is at in px from the left edge.
  emitHover(time, left) {
    this.track.dispatchEvent(new CustomEvent("timeline:hover", { detail: { time, left } }));
  }
  hoverAtPlayhead() {
    const time = this.clampToView(this.player.currentTime);
    this.emitHover(time, (this.at(time) / 100) * this.track.getBoundingClientRect().width);
  }
  leave() {
    this.track.dispatchEvent(new CustomEvent("timeline:leave"));
  }
  key(event) {
    const step = event.shiftKey ? 30 : 5;
    const moves = { ArrowLeft: -step, ArrowRight: step, ArrowDown: -step, ArrowUp: step, PageDown: -60, PageUp: 60 };
    const now = this.player.currentTime;
    // The slider's range is the view: a zoomed timeline seeks within its session.
    if (event.key in moves) this.player.seek(this.clampToView(now + moves[event.key]));
    else if (event.key === "Home") this.player.seek(this.view[0]);
    else if (event.key === "End") this.player.seek(this.view[1]);
    else return;
    this.hoverAtPlayhead();
    event.preventDefault();
    event.stopPropagation();
  }

  update(time) {
    const shown = this.clampToView(time);
    this.playhead.style.left = `${this.at(shown)}%`;
    this.track.setAttribute("aria-valuenow", String(Math.round(shown)));
    this.track.setAttribute("aria-valuetext", formatTime(time));
    const words = this.whereabouts(time);
    if (this.where.textContent !== words) this.where.textContent = words;
    this.labelZoom(time);
  }
  // Where `time` is in words, as app/web/timeline.py's whereabouts() says it.
  whereabouts(time) {
    let now = null;
    for (const s of this.segments) if (s.start <= time && time < s.end && (!now || s.parent)) now = s;
    if (!now) return t("No session at this moment.");
    return t("{session} — {into} into it, {left} left", {
      session: now.title,
      into: formatTime(time - now.start),
      left: formatTime(now.end - time),
    });
  }

  // The session (or break) a zoom would show: the top-level segment playing at `time`.
  sessionAt(time) {
    return this.segments.find((s) => !s.parent && s.start <= time && time < s.end) ?? null;
  }
  zoomed() {
    return this.view[0] > 0 || this.view[1] < this.span;
  }
  labelZoom(time) {
    const target = this.sessionAt(time);
    // Left as it is while focused: hiding it would drop a keyboard user's focus.
    if (document.activeElement === this.zoomButton && !this.zoomed() && !target) return;
    this.zoomButton.hidden = !this.zoomed() && !target;
    if (this.zoomButton.hidden) return;
    // Short to see (the line beside it names the session), whole to hear.
    const zoomed = this.zoomed();
    this.zoomButton.textContent = zoomed ? t("Whole recording") : t("Zoom in");
    if (zoomed) this.zoomButton.removeAttribute("aria-label");
    else this.zoomButton.setAttribute("aria-label", t("Zoom in: {session}", { session: target.title }));
  }
  toggleZoom() {
    const target = this.sessionAt(this.player.currentTime);
    if (this.zoomed()) this.view = [0, this.span];
    else if (target) this.view = [target.start, Math.min(target.end, this.span)];
    this.draw();
  }

  // Everything placed by time, for the current view and width.
  draw() {
    const [from, to] = this.view;
    this.track.setAttribute("aria-valuemin", String(Math.round(from)));
    this.track.setAttribute("aria-valuemax", String(Math.round(to)));
    for (const block of this.blocks) {
      const left = this.at(Number(block.dataset.start));
      block.style.left = `${left}%`;
      block.style.width = `${this.at(Number(block.dataset.end)) - left}%`;
    }
    this.drawMarks();
    this.drawTicks();
    this.update(this.player.currentTime);
  }
  drawMarks() {
    const width = this.track.clientWidth;
    const [from, to] = this.view;
    const groups = [];
    const shown = this.marks.filter((m) => m.start >= from && m.start <= to);
    for (const mark of shown.sort((a, b) => a.start - b.start || a.id - b.id)) {
      const x = (this.at(mark.start) / 100) * width;
      const last = groups.at(-1);
      if (last && x - last.x < PIN) last.members.push(mark);
      else groups.push({ x, members: [mark] });
    }
    this.track.querySelector("#marks").replaceChildren(...groups.map(({ members }) => this.pin(members)));
  }
  pin(members) {
    const [first, last] = [members[0], members.at(-1)];
    const kinds = new Set(members.map((m) => m.kind));
    const pin = document.createElement("span");
    pin.className = `mark mark-${kinds.size === 1 ? first.kind : "mixed"}`;
    pin.dataset.id = first.id;
    pin.style.setProperty("--at", `${this.at(first.start)}%`);
    if (members.length > 1) {
      pin.textContent = String(members.length);
      pin.title = t("{count} annotations from {start} to {end}", {
        count: members.length,
        start: formatTime(first.start),
        end: formatTime(last.start),
      });
    } else {
      pin.title = t("{kind} at {time}", { kind: kindName(first.kind), time: formatTime(first.start) });
    }
    return pin;
  }
  // Ticks at least TICK_GAP px apart on a round step, labels at least LABEL_GAP px apart; the
  // view's start labelled at the left edge.
  drawTicks() {
    const width = this.ticks.clientWidth || this.track.clientWidth;
    const [from, to] = this.view;
    const length = to - from;
    const step = TICK_STEPS.find((s) => (s / length) * width >= TICK_GAP) ?? TICK_STEPS.at(-1);
    const every = Math.ceil(LABEL_GAP / ((step / length) * width));
    const tick = (time, label) => {
      const span = document.createElement("span");
      span.className = "tick";
      span.style.left = `${this.at(time)}%`;
      if (label) span.append(Object.assign(document.createElement("span"), { textContent: formatTime(time) }));
      return span;
    };
    const ticks = [tick(from, true)];
    for (let n = Math.floor(from / step) + 1; n * step < to; n += 1) {
      const x = ((n * step - from) / length) * width;
      // No label crowding the left one or sticking out at the right edge.
      ticks.push(tick(n * step, n % every === 0 && x >= LABEL_GAP && x <= width - LABEL_GAP / 2));
    }
    this.ticks.replaceChildren(...ticks);
  }

  addMark(id, kind, start, end) {
    this.removeMark(id);
    if (start !== null && start !== undefined) this.marks.push({ id, kind, start, end });
    this.drawMarks();
  }
  removeMark(id) {
    this.marks = this.marks.filter((m) => String(m.id) !== String(id));
    this.drawMarks();
  }
}
