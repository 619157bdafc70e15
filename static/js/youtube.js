// The player over the YouTube IFrame API (player.js loads this module for a YouTube recording):
// the same interface as the HTML5 one, its time polled while it plays.
import { Player } from "./player.js";

export class YouTubePlayer extends Player {
  constructor(yt, holder, videoId, start) {
    super();
    this.timer = null;
    this.yt = new yt.Player(holder, {
      videoId,
      width: "100%",
      height: "100%",
      playerVars: { start: Math.floor(start), playsinline: 1, rel: 0 },
      events: {
        onReady: () => {
          if (start % 1) this.yt.seekTo(start, true);
          this.emit("ready");
        },
        onStateChange: (e) => this.stateChanged(e.data, yt.PlayerState),
      },
    });
  }
  ready() {}
  stateChanged(state, states) {
    clearInterval(this.timer);
    if (state === states.PLAYING) {
      this.timer = setInterval(() => this.emit("timeupdate"), 250);
      this.emit("play");
    } else if (state === states.PAUSED || state === states.ENDED) {
      this.emit("pause");
    }
    this.emit("timeupdate");
  }
  play() {
    this.yt.playVideo();
  }
  pause() {
    this.yt.pauseVideo();
  }
  seek(t) {
    this.yt.seekTo(Math.max(0, t), true);
    this.emit("timeupdate");
    this.emit("seeked");
  }
  get currentTime() {
    return this.yt.getCurrentTime?.() ?? 0;
  }
  get duration() {
    return this.yt.getDuration?.() || null;
  }
  get paused() {
    return this.yt.getPlayerState?.() !== 1;
  }
}

let youtubeApi = null;

export function loadYouTube(url) {
  youtubeApi ||= new Promise((resolve, reject) => {
    if (window.YT?.Player) return resolve(window.YT);
    const previous = window.onYouTubeIframeAPIReady;
    window.onYouTubeIframeAPIReady = () => {
      previous?.();
      resolve(window.YT);
    };
    const script = document.createElement("script");
    script.src = url;
    script.onerror = () => reject(new Error("the YouTube player could not be loaded"));
    document.head.append(script);
  });
  return youtubeApi;
}
