// Small helpers shared by the page scripts. Times are formatted here for display only;
// parsing time codes is the server's job (app/timecodes.py).
import { t } from "./i18n.js";

// An annotation kind's name, as the server's templates say it (macros/words.html).
const KINDS = {
  note: () => t("Note"),
  quote: () => t("Quote"),
  highlight: () => t("Highlight"),
  question: () => t("Question"),
  bookmark: () => t("Bookmark"),
};
export function kindName(kind) {
  return KINDS[kind]?.() ?? kind;
}

export function formatTime(seconds) {
  const whole = Math.max(0, Math.floor(seconds + 1e-6));
  const h = Math.floor(whole / 3600);
  const m = String(Math.floor(whole / 60) % 60).padStart(2, "0");
  const s = String(whole % 60).padStart(2, "0");
  return `${h}:${m}:${s}`;
}

// Seconds in a link's readable `t` form, like app.timecodes.format_compact: "2h33m",
// "2h33m10s", "1m30s", "0s", "2h20m0.5s"; with `end`, a range "2h33m,2h35m" (app/links.py).
export function tValue(seconds, end = null) {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const rest = ms % 60_000;
  const s = rest || !(h || m) ? `${rest / 1000}s` : "";
  const value = (h ? `${h}h` : "") + (m ? `${m}m` : "") + s;
  return end === null ? value : `${value},${tValue(end)}`;
}

// Forms that carry the page's moment (a hidden "at": the annotate, place and turn forms, the
// editing forms) send where the player is when they are sent, so that a refused form opens the
// page again at that moment rather than where the page had opened.
export function keepMoment(player) {
  const send = (event) => {
    const at = event.target.elements?.namedItem("at");
    if (at) at.value = tValue(Math.floor(player.currentTime));
  };
  document.addEventListener("submit", send, true);
}

export function announce(message) {
  const status = document.getElementById("status");
  if (!status) return;
  status.textContent = "";
  requestAnimationFrame(() => {
    status.textContent = message;
  });
}

// What `copy` says, whole sentences for each thing copied: done, and the keys to press when
// the browser refuses the clipboard.
const COPIED = {
  link: [(text) => t("Copied link: {text}", { text }), () => t("Press Ctrl+C to copy link.")],
  citation: [(text) => t("Copied citation: {text}", { text }), () => t("Press Ctrl+C to copy citation.")],
  moment: [
    (text) => t("Copied link to this moment: {text}", { text }),
    () => t("Press Ctrl+C to copy link to this moment."),
  ],
  range: [
    (text) => t("Copied link to this range: {text}", { text }),
    () => t("Press Ctrl+C to copy link to this range."),
  ],
};

/** Copy `text` and say so; `what` is "link", "citation", "moment" or "range". */
export async function copy(text, what) {
  const [copied, manually] = COPIED[what];
  try {
    await navigator.clipboard.writeText(text);
    announce(copied(text));
  } catch {
    const field = document.getElementById("share-url");
    if (field) {
      field.value = text;
      field.select();
    }
    announce(manually());
  }
}

// fetch() for the page's own API calls: a request that changes something carries the page's
// CSRF token (app/http/csrf.py), which the server checks before it reads the body.
export function send(url, { method = "GET", headers = {}, ...options } = {}) {
  if (method !== "GET" && method !== "HEAD") {
    const token = document.querySelector('meta[name="csrf-token"]')?.content;
    if (token) headers = { ...headers, "X-CSRF-Token": token };
  }
  return fetch(url, { method, headers, ...options });
}

// A stylesheet a module loaded on demand brings (`new URL("../css/x.css", import.meta.url)`,
// fingerprinted as served); settles once it applies, or could not be had.
export function stylesheet(url) {
  const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: url });
  document.head.append(link);
  return new Promise((settled) => (link.onload = link.onerror = settled));
}

export function pageData() {
  return JSON.parse(document.getElementById("page-data").textContent);
}
