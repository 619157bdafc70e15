// The captions control: a <select> offering Off and each transcript language's <track>.
// Choosing turns that track on and the others off; the choice is remembered in this browser
// and applied on the next visit (a language this recording lacks means off, and the choice
// stays for recordings that have it). Captions start off unless chosen: they cover the
// picture, and whoever wants them chooses once.
const KEY = "sessionnav.captions";

function remembered() {
  try {
    return localStorage.getItem(KEY) ?? "";
  } catch {
    return ""; // storage refused (private mode, a sandboxed frame): nothing remembered
  }
}

function remember(language) {
  try {
    localStorage.setItem(KEY, language);
  } catch {
    // the choice holds for this visit only
  }
}

// The language whose track is on, "" when none is.
function chosen(video) {
  return [...video.textTracks].find((track) => track.mode !== "disabled")?.language ?? "";
}

export function installCaptions(root) {
  const video = root.querySelector("video");
  const select = root.querySelector("#captions");
  if (!video || !select) return;
  // Browsers draw no captions over sound alone: an audio recording's track stays "hidden"
  // (its cues still change) and its lines are written into the card above the controls.
  const card = root.querySelector(".audio-caption");
  const on = card ? "hidden" : "showing";
  const choose = (language) => {
    for (const track of video.textTracks) {
      track.mode = track.language === language ? on : "disabled";
    }
    if (card) card.textContent = "";
  };
  if (card) {
    for (const track of video.textTracks) {
      track.addEventListener("cuechange", () => {
        if (track.mode === "disabled") return;
        const lines = [...track.activeCues].map((cue) => cue.getCueAsHTML().textContent);
        card.textContent = lines.join("\n");
      });
    }
  }
  const offered = new Set([...select.options].map((option) => option.value));
  const saved = remembered();
  select.value = offered.has(saved) ? saved : "";
  choose(select.value);
  select.addEventListener("change", () => {
    choose(select.value);
    remember(select.value);
  });
  // The browser's own captions menu is a second way to choose: keep the control in step.
  video.textTracks.addEventListener("change", () => {
    const now = chosen(video);
    if (now === select.value) return;
    select.value = now;
    remember(now);
  });
  select.closest(".captions-control").hidden = false;
}
