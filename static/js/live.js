// Live updates (PRODUCT §6e): other people's new, changed, hidden and deleted annotations
// reach an open page through one Server-Sent Events stream per recording. EventSource
// reconnects by itself and sends Last-Event-ID, so the server replays what was missed; the
// first connection starts after the last change the page was rendered with (`after`).
import { t } from "./i18n.js";
import { announce } from "./util.js";

const QUIET = 2000; // ms: changes arriving together are announced once, after this pause

// Calls `saved({ id, html? })` and `removed({ id })` for each change this viewer may hear
// of; `html` is the entry as a reader not signed in sees it (signed-in pages fetch theirs).
export function followLive(url, after, { saved, removed }) {
  if (!url || typeof EventSource === "undefined") return null;
  const source = new EventSource(after === undefined || after === null ? url : `${url}?after=${after}`);
  let pending = 0;
  let timer = null;
  const told = () => {
    pending += 1;
    clearTimeout(timer);
    timer = setTimeout(() => {
      announce(t("Annotations changed by others: {count}", { count: pending }));
      pending = 0;
    }, QUIET);
  };
  const on = (name, handle) =>
    source.addEventListener(name, async (event) => {
      if (await handle(JSON.parse(event.data))) told();
    });
  on("saved", saved);
  on("removed", removed);
  source.addEventListener("reload", () => {
    source.close();
    const notice = document.getElementById("live-notice");
    if (notice) notice.hidden = false;
  });
  return source;
}
