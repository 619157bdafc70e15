// Small helpers shared by the page scripts. Times are formatted here for display only;
// parsing time codes is the server's job (app/timecodes.py).
import { t } from "./i18n.js";

export function formatTime(seconds) {
  const whole = Math.max(0, Math.floor(seconds + 1e-6));
  const h = Math.floor(whole / 3600);
  const m = String(Math.floor(whole / 60) % 60).padStart(2, "0");
  const s = String(whole % 60).padStart(2, "0");
  return `${h}:${m}:${s}`;
}

// The same to the millisecond, as an editor types it: 2:20:05.250.
export function timeCode(seconds) {
  const ms = Math.round(seconds * 1000);
  const frac = ms % 1000 ? `.${String(ms % 1000).padStart(3, "0")}` : "";
  return formatTime(Math.floor(ms / 1000)) + frac;
}

// Seconds as a `t` value, like app.timecodes.format_range: "8400", "8400.5".
export function tValue(seconds) {
  return String(Math.round(seconds * 1000) / 1000);
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

export function pageData() {
  return JSON.parse(document.getElementById("page-data").textContent);
}
