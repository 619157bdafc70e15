// The share box ("Link to this moment", _share.html) and the links the copy actions copy.
// The box follows the playhead, one write per whole second of video at most and none while
// the field has focus (its text is being selected); it is no live region and never takes focus.
// While a range is marked (Mark in, Mark out), saved or opened, it shows the range instead,
// until a seek leaves the range; its label says which.
import { t } from "./i18n.js";
import { tValue } from "./util.js";

const SECOND = 1000; // the box changes at most this often (ms), however fast the video plays

export class ShareBox {
  constructor(player, data) {
    Object.assign(this, { player, data });
    this.field = document.getElementById("share-url");
    this.label = document.getElementById("share-label");
    this.embed = document.querySelector("#share-embed a");
    this.oembed = document.getElementById("share-oembed");
    // What "Copy link to this range" copies: the range opened, marked or saved last.
    this.range = data.end !== null ? [data.start, data.end] : null;
    this.ranged = this.range !== null; // the box shows the range rather than the playhead
    this.second = Math.floor(data.start); // the page's own link names this second already
    this.writtenAt = 0;
    player.on("timeupdate", () => this.follow(false));
    for (const settled of ["seeked", "pause"]) player.on(settled, () => this.follow(true));
    this.field?.addEventListener("blur", () => this.follow(true));
    // annotate.js says when a range is marked or saved.
    document.addEventListener("rangechange", (e) => this.showRange(e.detail));
  }
  momentUrl() {
    return `${this.data.shareBase}?t=${tValue(Math.floor(this.player.currentTime))}`;
  }
  rangeUrl() {
    return this.range && `${this.data.shareBase}?t=${tValue(this.range[0], this.range[1])}`;
  }
  showRange(range) {
    this.range = range;
    this.ranged = true;
    this.show(true);
  }
  // `settled`: a seek or pause, written at once (the position will not move on by itself).
  follow(settled) {
    const at = this.player.currentTime;
    if (this.ranged) {
      const [start, end] = this.range;
      if (!settled || (at >= start - 1 && at <= end + 1)) {
        if (this.stale) this.show(true);
        return;
      }
      this.ranged = false;
    }
    const second = Math.floor(at);
    if (second === this.second && !this.stale) return;
    if (!settled && Date.now() - this.writtenAt < SECOND) return;
    this.show(false);
  }
  show(ranged) {
    if (!this.field) return;
    // Never under the viewer's cursor: written when the field is left instead.
    this.stale = document.activeElement === this.field;
    if (this.stale) return;
    this.second = Math.floor(this.player.currentTime);
    this.writtenAt = Date.now();
    const url = ranged ? this.rangeUrl() : this.momentUrl();
    this.field.value = url;
    this.label.textContent = ranged ? t("Link to this range") : t("Link to this moment");
    const [start, end] = ranged ? this.range : [this.second, null];
    if (this.embed) this.embed.href = `${this.data.embedBase}?t=${tValue(start, end)}`;
    if (this.oembed) {
      const oembed = new URL(this.oembed.href);
      oembed.searchParams.set("url", url);
      this.oembed.href = oembed;
    }
  }
}
