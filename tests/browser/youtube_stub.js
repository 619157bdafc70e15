// A local stand-in for the YouTube IFrame API (https://developers.google.com/youtube/iframe_api_reference):
// the calls the page makes, with a clock instead of a video. Tests read window.ytStub.
(() => {
  const PlayerState = { UNSTARTED: -1, ENDED: 0, PLAYING: 1, PAUSED: 2, BUFFERING: 3, CUED: 5 };
  class Player {
    constructor(element, options) {
      const holder = typeof element === "string" ? document.getElementById(element) : element;
      this.frame = document.createElement("div");
      this.frame.id = "yt-stub";
      this.frame.dataset.videoId = options.videoId;
      holder.replaceWith(this.frame);
      this.options = options;
      this.state = PlayerState.CUED;
      this.base = options.playerVars?.start ?? 0;
      this.since = null;
      this.calls = [];
      window.ytStub = this;
      setTimeout(() => options.events?.onReady?.({ target: this }), 20);
    }
    getCurrentTime() {
      return this.since === null ? this.base : this.base + (performance.now() - this.since) / 1000;
    }
    getDuration() {
      return 24300;
    }
    getPlayerState() {
      return this.state;
    }
    seekTo(seconds) {
      this.calls.push(["seekTo", seconds]);
      this.base = seconds;
      if (this.since !== null) this.since = performance.now();
    }
    playVideo() {
      this.calls.push(["playVideo"]);
      this.since = performance.now();
      this.change(PlayerState.PLAYING);
    }
    pauseVideo() {
      this.calls.push(["pauseVideo"]);
      this.base = this.getCurrentTime();
      this.since = null;
      this.change(PlayerState.PAUSED);
    }
    change(state) {
      this.state = state;
      setTimeout(() => this.options.events?.onStateChange?.({ data: state, target: this }), 0);
    }
  }
  window.YT = { Player, PlayerState };
  window.onYouTubeIframeAPIReady?.();
})();
