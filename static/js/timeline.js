// The timeline as a slider: click or arrow keys seek, the playhead follows playback, and
// hovering shows the time under the pointer. Blocks and marks stay links for no-JS use.
import { t } from "./i18n.js";
import { formatTime } from "./util.js";

// A mark's tooltip names its kind, as the server's timeline does (navigator.html).
const KINDS = {
  note: t("Note"),
  quote: t("Quote"),
  highlight: t("Highlight"),
  question: t("Question"),
  bookmark: t("Bookmark"),
};

export class Timeline {
  constructor(track, player, span) {
    this.track = track;
    this.player = player;
    this.span = span;
    this.playhead = track.querySelector("#playhead");
    this.hover = track.querySelector("#hover");
    Object.assign(track, { tabIndex: 0 });
    track.setAttribute("role", "slider");
    track.setAttribute("aria-valuemin", "0");
    track.setAttribute("aria-valuemax", String(Math.round(span)));
    track.setAttribute("aria-keyshortcuts", "ArrowLeft ArrowRight Shift+ArrowLeft Shift+ArrowRight Home End");
    for (const link of track.querySelectorAll("a")) {
      link.tabIndex = -1;
      link.setAttribute("aria-hidden", "true");
    }
    track.addEventListener("click", (e) => this.click(e));
    track.addEventListener("pointermove", (e) => this.showHover(e));
    track.addEventListener("pointerleave", () => (this.hover.hidden = true));
    track.addEventListener("keydown", (e) => this.key(e));
    player.on("timeupdate", () => this.update(player.currentTime));
    this.update(player.currentTime);
  }
  timeAt(event) {
    const box = this.track.getBoundingClientRect();
    return Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1) * this.span;
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
    const t = this.timeAt(event);
    this.hover.hidden = false;
    this.hover.textContent = formatTime(t);
    this.hover.style.left = `${(100 * t) / this.span}%`;
  }
  key(event) {
    const step = event.shiftKey ? 30 : 5;
    const moves = { ArrowLeft: -step, ArrowRight: step, ArrowDown: -step, ArrowUp: step, PageDown: -60, PageUp: 60 };
    const t = this.player.currentTime;
    if (event.key in moves) this.player.seek(t + moves[event.key]);
    else if (event.key === "Home") this.player.seek(0);
    else if (event.key === "End") this.player.seek(this.span);
    else return;
    event.preventDefault();
    event.stopPropagation();
  }
  update(t) {
    this.playhead.style.left = `${(100 * Math.min(t, this.span)) / this.span}%`;
    this.track.setAttribute("aria-valuenow", String(Math.round(t)));
    this.track.setAttribute("aria-valuetext", formatTime(t));
  }
  addMark(id, kind, start, end) {
    this.track.querySelector(`.mark[data-id="${id}"]`)?.remove();
    if (start === null || start === undefined) return;
    const mark = document.createElement("a");
    mark.className = `mark mark-${kind}`;
    mark.href = `#annotation-${id}`;
    mark.dataset.id = id;
    mark.tabIndex = -1;
    mark.setAttribute("aria-hidden", "true");
    mark.title = t("{kind} at {time}", { kind: KINDS[kind] ?? kind, time: formatTime(start) });
    mark.style.left = `${(100 * start) / this.span}%`;
    if (end) mark.style.width = `${(100 * (end - start)) / this.span}%`;
    this.track.querySelector("#marks").append(mark);
  }
  removeMark(id) {
    this.track.querySelector(`.mark[data-id="${id}"]`)?.remove();
  }
}
