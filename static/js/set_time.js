// "Set start/end to current time" (and, with data-from="duration", "Use the player's
// duration"): buttons that copy the player's time into the time-code field their
// data-set-time names, so an editor sets times while watching. Without JavaScript the buttons
// stay hidden and the fields are typed.
import { t } from "./i18n.js";
import { announce, formatTime } from "./util.js";

// The same to the millisecond, as an editor types it: 2:20:05.250.
function timeCode(seconds) {
  const ms = Math.round(seconds * 1000);
  const frac = ms % 1000 ? `.${String(ms % 1000).padStart(3, "0")}` : "";
  return formatTime(Math.floor(ms / 1000)) + frac;
}

export function wireTimeButtons(player, root = document) {
  for (const button of root.querySelectorAll("[data-set-time]")) {
    const field = document.getElementById(button.dataset.setTime);
    button.hidden = false;
    button.addEventListener("click", () => {
      const duration = button.dataset.from === "duration";
      const seconds = duration ? player.duration : player.currentTime;
      if (!Number.isFinite(seconds) || (duration && seconds <= 0)) {
        announce(t("The player does not know the duration yet: start playing, then try again."));
        return;
      }
      field.value = timeCode(seconds);
      const label = field.labels[0]?.textContent.trim() ?? t("Time");
      announce(t("{field} set to {time}", { field: label, time: field.value }));
    });
  }
}
