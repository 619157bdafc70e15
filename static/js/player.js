// One player interface over HTML5 media and the YouTube IFrame API, so the rest of the page
// never asks which it is: play, pause, seek, currentTime, duration, paused, on(event, fn).
// Events: "ready", "timeupdate", "play", "pause", "seeked", "rangeend".
// The YouTube side (youtube.js) comes by import() only for a YouTube recording.

export class Player {
  constructor() {
    this.handlers = {};
    this.rangeStart = null;
    this.rangeEnd = null;
  }
  on(name, fn) {
    (this.handlers[name] ||= []).push(fn);
    return this;
  }
  emit(name) {
    if (name === "timeupdate") this.checkRange();
    for (const fn of this.handlers[name] || []) fn(this);
  }
  toggle() {
    return this.paused ? this.play() : this.pause();
  }
  // A range link plays from start and stops at its end once; seeking outside it forgets it.
  setRange(start, end) {
    this.rangeStart = start;
    this.rangeEnd = end ?? null;
  }
  checkRange() {
    if (this.rangeEnd === null) return;
    const t = this.currentTime;
    if (t < this.rangeStart - 1 || t > this.rangeEnd + 1) {
      this.rangeEnd = null;
    } else if (t >= this.rangeEnd - 0.05 && !this.paused) {
      const end = this.rangeEnd;
      this.rangeEnd = null;
      this.pause();
      this.seek(end);
      this.emit("rangeend");
    }
  }
}

class MediaPlayer extends Player {
  constructor(video) {
    super();
    this.video = video;
    for (const name of ["timeupdate", "play", "pause", "seeked"]) {
      video.addEventListener(name, () => this.emit(name));
    }
  }
  ready(start) {
    const video = this.video;
    const settle = () => {
      // The media fragment normally seeked already; make sure, then announce readiness.
      if (Math.abs(video.currentTime - start) > 0.25) video.currentTime = start;
      this.emit("ready");
    };
    if (video.readyState >= 1) settle();
    else video.addEventListener("loadedmetadata", settle, { once: true });
  }
  play() {
    return this.video.play();
  }
  pause() {
    this.video.pause();
  }
  seek(t) {
    const d = this.duration;
    this.video.currentTime = Math.max(0, d ? Math.min(t, d) : t);
    this.emit("timeupdate");
  }
  get currentTime() {
    return this.video.currentTime;
  }
  get duration() {
    return Number.isFinite(this.video.duration) ? this.video.duration : null;
  }
  get paused() {
    return this.video.paused;
  }
}

// The page's player: its <video>, or a YouTube player in #player. Resolves once it can seek.
export async function createPlayer(root, data) {
  const video = root.querySelector("video");
  let player;
  if (video) {
    player = new MediaPlayer(video);
    // The captions control's module only where there is one (a recording with a transcript).
    if (root.querySelector("#captions")) (await import("./captions.js")).installCaptions(root);
  } else if (data.youtubeId) {
    const { loadYouTube, YouTubePlayer } = await import("./youtube.js");
    const yt = await loadYouTube(data.youtubeApi);
    player = new YouTubePlayer(yt, root.querySelector("#player"), data.youtubeId, data.start);
  } else {
    return null;
  }
  player.setRange(data.start, data.end);
  const ready = new Promise((resolve) => player.on("ready", resolve));
  player.ready(data.start);
  await ready;
  return player;
}
