// The import page's machine-transcript job, followed while it is queued or running: its JSON
// twin (GET /api/v1/recordings/{recording}/transcription) is asked every few seconds and the
// state, <progress>, percent and ETA are updated in place. The state is a polite live region
// (it changes a few times); the numbers are not announced. Nothing reloads the page, so what
// the editor types in the other forms stays; when the job ends, the Refresh link shows the result.
import { t } from "./i18n.js";
import { formatTime, send } from "./util.js";

const EVERY_MS = 2000;
const STATES = {
  queued: () => t("Queued"),
  running: () => t("Running"),
  done: () => t("Done"),
  failed: () => t("Failed"),
  cancelled: () => t("Cancelled"),
};

const box = document.getElementById("transcription-job");

function show(job) {
  box.querySelector("[data-job-state]").textContent = STATES[job.state]();
  box.querySelector("progress").value = job.percent;
  box.querySelector("[data-job-percent]").textContent = `${job.percent} %`;
  let detail = t("{done} of {total}", {
    done: formatTime(job.done),
    total: formatTime(job.duration),
  });
  if (job.eta !== null) detail += `, ${t("about {eta} left", { eta: formatTime(job.eta) })}`;
  box.querySelector("[data-job-detail]").textContent = `(${detail})`;
  if (!job.active) {
    const refresh = box.querySelector("[data-job-refresh]");
    if (refresh) refresh.textContent = t("Show the result");
    box.querySelector("form button[type=submit]")?.setAttribute("disabled", "");
  }
}

async function poll() {
  try {
    const response = await send(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (response.ok) {
      const job = await response.json();
      show(job);
      if (!job.active) return;
    }
  } catch {
    // offline for a moment: ask again later
  }
  setTimeout(poll, EVERY_MS);
}

if (box) setTimeout(poll, EVERY_MS);
