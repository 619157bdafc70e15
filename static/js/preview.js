// Frame previews over the timeline (issue 12), as YouTube shows them: while the pointer is over
// the timeline, or the slider has keyboard focus, the frame at that time shows above it. The
// frames are regions of one sprite named by a WebVTT thumbnails file (`sprite.jpg#xywh=...`,
// app/services/thumbnails.py), made in the background: until it exists only the time shows.
// The preview is decoration (the slider already speaks the time), hidden from assistive tech.
import { formatTime, stylesheet } from "./util.js";

await stylesheet(new URL("../css/preview.css", import.meta.url));

const GAP = 6; // px between the preview and the timeline, and at least from the screen's edge

// The file's cues, read by the browser's own WebVTT parser: a metadata <track> of a media
// element kept off the page (the player's own tracks are its captions). `done` gets the cues,
// none when the file cannot be had. The caller keeps the element, or it may be collected.
function cueTrack(url, done) {
  const media = document.createElement("video");
  const element = document.createElement("track");
  element.kind = "metadata";
  element.src = url;
  element.addEventListener("load", () => done([...element.track.cues]));
  element.addEventListener("error", () => done([]));
  media.append(element);
  element.track.mode = "hidden";
  return element;
}

// The cue holding `time` (cues are in time order and do not overlap), else null.
function cueAt(cues, time) {
  let low = 0;
  let high = cues.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const cue = cues[middle];
    if (time < cue.startTime) high = middle - 1;
    else if (time >= cue.endTime) low = middle + 1;
    else return cue;
  }
  return cues.length && time >= cues.at(-1).endTime ? cues.at(-1) : null;
}

// A cue's picture: the sprite's URL and the region, from "path#xywh=x,y,w,h".
function region(cue, base) {
  const url = new URL(cue.text.trim(), base);
  const [x, y, w, h] = (url.hash.match(/^#xywh=(\d+),(\d+),(\d+),(\d+)$/) ?? []).slice(1).map(Number);
  url.hash = "";
  return w && h ? { url: url.href, x, y, w, h } : null;
}

export function installPreview(track, player, data) {
  if (!data.thumbnails) return;
  const source = new URL(data.thumbnails, location.href).href;
  let loader = null; // the <track> reading the file, from the first hover on
  let cues = null;
  let wanted = null; // the latest hover, shown once the cues are in
  const box = document.createElement("div");
  box.className = "frame-preview";
  box.hidden = true;
  box.setAttribute("aria-hidden", "true");
  const picture = document.createElement("div");
  picture.className = "frame-preview-picture";
  const label = document.createElement("span");
  label.className = "frame-preview-time";
  box.append(picture, label);
  document.body.append(box);

  function hide() {
    wanted = null;
    box.hidden = true;
    track.classList.remove("previewing");
  }

  function show(time, left) {
    const cue = cueAt(cues, time);
    const part = cue && region(cue, source);
    if (!part) return hide();
    Object.assign(picture.style, {
      width: `${part.w}px`,
      height: `${part.h}px`,
      backgroundImage: `url("${part.url}")`,
      backgroundPosition: `-${part.x}px -${part.y}px`,
    });
    Object.assign(box.dataset, { time, start: cue.startTime, end: cue.endTime });
    label.textContent = formatTime(time);
    box.hidden = false;
    track.classList.add("previewing");
    // Centred over the time, inside the page's width; below the timeline when no room above.
    const bar = track.getBoundingClientRect();
    const width = box.offsetWidth;
    const page = document.documentElement.clientWidth;
    const x = Math.min(Math.max(bar.left + left - width / 2, GAP), page - width - GAP);
    const above = bar.top - box.offsetHeight - GAP;
    const y = above >= 0 ? above : bar.bottom + GAP;
    box.style.left = `${Math.round(x + scrollX)}px`; // whole pixels keep the frame sharp
    box.style.top = `${Math.round(y + scrollY)}px`;
  }

  track.addEventListener("timeline:hover", (event) => {
    wanted = event.detail;
    if (cues) return show(wanted.time, wanted.left);
    loader ??= cueTrack(source, (loaded) => {
      cues = loaded;
      if (wanted) show(wanted.time, wanted.left);
    });
  });
  track.addEventListener("timeline:leave", hide);
}
