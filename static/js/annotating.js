// A signed-in reader's part of the list (annotate.js loads it with the annotate form):
// annotating without reloads, the form posting to the JSON API and the new entry (rendered by
// the server's own template) joining the list and the timeline; delete and "place at current
// time" the same way, and the transcript's proposals for unplaced quotes. Anything this script
// cannot send as seconds goes as the plain form.
import { apiError } from "./annotate.js";
import { insert, remove } from "./entry_changes.js";
import { t } from "./i18n.js";
import { announce, formatTime, send } from "./util.js";

export class Annotating {
  constructor(annotations) {
    const { form, list, player, data } = annotations;
    Object.assign(this, { annotations, form, player, data });
    list.addEventListener("submit", (e) => this.listSubmit(e));
    this.proposePlacements(list);
    this.error = form.querySelector("#annotate-error");
    this.start = form.elements.start;
    this.end = form.elements.end;
    // Untouched, the start field follows playback: "annotate" means "here".
    this.follow = !this.error.textContent;
    if (this.follow) this.setTime(this.start, player.currentTime);
    else this.start.dataset.seconds = "";
    if (data.end !== null && !this.error.textContent) this.setTime(this.end, data.end);
    for (const field of [this.start, this.end]) {
      field.addEventListener("input", () => {
        delete field.dataset.seconds;
        if (field === this.start) this.follow = false;
      });
    }
    form.elements.text.addEventListener("focus", () => (this.follow = false));
    for (const button of form.querySelectorAll("[data-mark]")) {
      button.hidden = false;
      button.addEventListener("click", () => this.mark(button.dataset.mark));
    }
    player.on("timeupdate", () => this.follow && this.setTime(this.start, player.currentTime));
    form.addEventListener("submit", (e) => this.submit(e));
  }
  setTime(field, seconds) {
    field.value = formatTime(seconds);
    field.dataset.seconds = String(Math.floor(seconds + 1e-6));
  }
  mark(which) {
    this.setTime(which === "start" ? this.start : this.end, this.player.currentTime);
    if (which === "start") this.follow = false;
    const time = formatTime(this.player.currentTime);
    announce(which === "start" ? t("Marked in at {time}", { time }) : t("Marked out at {time}", { time }));
    const range = this.range();
    if (range) this.rangeChanged(range);
  }
  // The share box and "Copy link to this range" take a range marked or saved (share.js).
  rangeChanged(range) {
    document.dispatchEvent(new CustomEvent("rangechange", { detail: range }));
  }
  annotateHere() {
    this.follow = true;
    this.setTime(this.start, this.player.currentTime);
    this.form.elements.text.focus();
  }
  range() {
    const { start, end } = this;
    if (!start.dataset.seconds || !end.dataset.seconds) return null;
    const range = [Number(start.dataset.seconds), Number(end.dataset.seconds)];
    return range[0] < range[1] ? range : null;
  }
  seconds(field) {
    if (!field.value.trim()) return null;
    return field.dataset.seconds ? Number(field.dataset.seconds) : undefined;
  }
  async submit(event) {
    const start = this.seconds(this.start);
    const end = this.seconds(this.end);
    if (start === undefined || end === undefined) return; // typed time codes: the server reads them
    event.preventDefault();
    const f = this.form.elements;
    const body = {
      kind: f.kind.value,
      start,
      text: f.text.value.trim(),
      tags: f.tags.value.split(",").map((t) => t.trim()).filter(Boolean),
    };
    if (end !== null) body.end = end;
    if (f.speaker?.value) body.speaker = f.speaker.value;
    for (const name of ["source_title", "source_url"]) {
      if (f[name]?.value.trim()) body[name] = f[name].value.trim();
    }
    if (f.visibility?.checked) body.visibility = "private";
    const response = await send(`${this.data.api}/annotations`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) return this.fail(await apiError(response));
    const created = await response.json();
    this.error.hidden = true;
    await this.show(created);
    for (const field of [f.text, f.tags, f.source_title, f.source_url]) if (field) field.value = "";
    this.end.value = "";
    delete this.end.dataset.seconds;
    announce(t("Annotation added at {time}", { time: formatTime(created.start) }));
    if (created.end != null) this.rangeChanged([created.start, created.end]);
  }
  fail(message) {
    this.error.textContent = message;
    this.error.hidden = false;
    this.error.focus?.();
  }
  // Insert (or replace) the server-rendered entry, fetched as this viewer sees it.
  async show(annotation) {
    this.annotations.changed.set(String(annotation.id), Date.now());
    const response = await fetch(`/a/${annotation.id}/item`);
    if (!response.ok) return this.fail(await apiError(response));
    return insert(this.annotations, await response.text());
  }
  async listSubmit(event) {
    const form = event.target;
    const item = form.closest(".annotation");
    if (!item) return;
    const id = item.dataset.id;
    if (form.classList.contains("delete")) {
      event.preventDefault();
      const response = await send(`/api/v1/annotations/${id}`, { method: "DELETE" });
      if (!response.ok) return announce(await apiError(response));
      this.annotations.changed.set(id, Date.now());
      remove(this.annotations, id);
      announce(t("Annotation deleted"));
    } else if (form.classList.contains("place")) {
      event.preventDefault();
      await this.place(id, { start: Math.floor(this.player.currentTime) });
    }
  }
  async place(id, range) {
    const response = await send(`/api/v1/annotations/${id}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(range),
    });
    if (!response.ok) return announce(await apiError(response));
    await this.show(await response.json());
    announce(t("Placed at {time}", { time: formatTime(range.start) }));
  }
  // Unplaced quotes: ask the transcript where each was said, one at a time, and offer the
  // answer with an "Accept" button (without scripts, the link leads to the same proposal).
  async proposePlacements(root) {
    for (const slot of root.querySelectorAll("[data-placement]")) {
      const id = slot.dataset.placement;
      const response = await fetch(`/api/v1/annotations/${id}/placement`);
      if (!response.ok) continue;
      const proposal = await response.json();
      const accept = document.createElement("button");
      accept.type = "button";
      accept.textContent = t("Accept {time}", { time: proposal.start_tc });
      accept.addEventListener("click", () => this.place(id, { start: proposal.start, end: proposal.end }));
      const found = t("Transcript: {time} (confidence {confidence}%)", {
        time: proposal.start_tc,
        confidence: proposal.confidence,
      });
      slot.replaceChildren(`${found} `, accept);
    }
  }
}
