// The embeddable player: the same player interface, so `t` ranges stop at their end. Over the
// picture it shows the annotation of the moment playing, kept up to date by live updates.
import { followLive } from "./live.js";
import { createPlayer } from "./player.js";
import { kindName, pageData } from "./util.js";

const SHOWN = 10; // seconds a note without an end stays on screen from its start

const data = pageData();
const notes = new Map(data.notes.map((n) => [String(n.id), n]));
const shown = document.getElementById("note");

// The note of the moment: the latest one started and not yet over.
function show(at) {
  let now = null;
  for (const n of notes.values()) {
    if (n.start <= at && at < (n.end ?? n.start + SHOWN) && (!now || n.start >= now.start)) now = n;
  }
  shown.hidden = !now;
  if (now) shown.textContent = `${kindName(now.kind)}: ${now.text}`;
}

// A live entry (the navigator's list item, _item.html) as a note: its data-* and its text.
function note(html) {
  const holder = document.createElement("template");
  holder.innerHTML = html.trim();
  const item = holder.content.firstElementChild;
  const { id, kind, start, end } = item.dataset;
  if (start === undefined) return null;
  const text = item.querySelector("blockquote, .text")?.textContent.trim() ?? "";
  return { id, kind, start: Number(start), end: end === undefined ? null : Number(end), text };
}

createPlayer(document.querySelector(".frame"), data).then((player) => {
  if (!player) return;
  const update = () => show(player.currentTime);
  player.on("timeupdate", update).on("seeked", update);
  followLive(data.live, data.liveAfter, {
    saved: async ({ id, html }) => {
      if (!html) {
        const response = await fetch(`/a/${id}/item`);
        if (!response.ok) return false;
        html = await response.text();
      }
      const made = note(html);
      if (made) notes.set(String(id), made);
      else notes.delete(String(id));
      update();
      return false; // no announcement: the note on screen is the news
    },
    removed: ({ id }) => {
      notes.delete(String(id));
      update();
      return false;
    },
  });
  update();
});
