// Keyboard shortcuts for the player (WCAG 2.1.4): single keys can be switched off or changed
// in the "?" help dialog, a choice kept in this browser. A key never acts on a focused
// control that uses it: fields, buttons and links (Space), the timeline slider and the media
// (arrows), and anything that scrolls, such as the transcript (Space and arrows).
// The settings' form comes with the dialog's first opening (keys_settings.js).
import { t } from "./i18n.js";

const STORE = "sessionnav.shortcuts";
// The actions with a key of their own, in the order the help dialog lists them.
export const ACTIONS = {
  toggle: { key: "k", label: () => t("Play or pause") },
  back5: { key: "j", label: () => t("Back 5 seconds") },
  fwd5: { key: "l", label: () => t("Forward 5 seconds") },
  prev: { key: "p", label: () => t("Previous session") },
  next: { key: "n", label: () => t("Next session") },
  where: { key: "t", label: () => t("Say the time and session") },
  annotate: { key: "a", label: () => t("Annotate here") },
  "copy-moment": { key: "c", label: () => t("Copy link to this moment") },
  help: { key: "?", label: () => t("This help") },
};
// Media-player keys that cannot be changed; they are switched off with the others.
const FIXED = {
  " ": "toggle",
  ArrowLeft: "back5",
  ArrowRight: "fwd5",
  "Shift+ArrowLeft": "back30",
  "Shift+ArrowRight": "fwd30",
};
export const DEFAULTS = { enabled: true, keys: Object.fromEntries(Object.entries(ACTIONS).map(([a, d]) => [a, d.key])) };
const TYPING = "input, textarea, select, [contenteditable], dialog[open]";
const USES_SPACE = "button, a, summary, video, audio, [role=button], [role=link], [role=checkbox], [role=switch], [role=option], [role=tab], [role=menuitem]";
const USES_ARROWS =
  "video, audio, [role=slider], [role=listbox], [role=grid], [role=tree], [role=tablist], [role=menu], [role=menubar], [role=radiogroup], [role=toolbar], [role=spinbutton]";

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORE));
    const keys = { ...DEFAULTS.keys, ...saved?.keys };
    if (problem(keys)) return DEFAULTS;
    return { enabled: saved?.enabled !== false, keys };
  } catch {
    return DEFAULTS;
  }
}

export function save(prefs) {
  try {
    localStorage.setItem(STORE, JSON.stringify(prefs));
  } catch {
    // Storage refused (private mode, quota): the choice lasts for this page only.
  }
}

// What is wrong with a mapping, as [action, message], or null when every key is usable.
export function problem(keys) {
  const seen = {};
  for (const [action, key] of Object.entries(keys)) {
    const label = ACTIONS[action]?.label();
    if (!label) continue;
    if (typeof key !== "string" || [...key].length !== 1 || !key.trim()) {
      return [action, t("The key for “{action}” must be one character, not a space.", { action: label })];
    }
    if (key in seen) {
      return [action, t("“{key}” is used twice: for “{first}” and “{second}”.", { key, first: seen[key], second: label })];
    }
    seen[key] = label;
  }
  return null;
}

// Inside a widget that handles its own keys ([data-keys-own], the transcript) or inside
// something that scrolls other than the page: there Space and arrows are theirs.
function ownedBy(el, key) {
  if (el.closest("[data-keys-own]")) return true;
  const sideways = key === "ArrowLeft" || key === "ArrowRight";
  for (let node = el; node && node !== document.body && node !== document.documentElement; node = node.parentElement) {
    const style = getComputedStyle(node);
    const overflow = sideways ? style.overflowX : style.overflowY;
    const more = sideways ? node.scrollWidth > node.clientWidth : node.scrollHeight > node.clientHeight;
    if (more && (overflow === "auto" || overflow === "scroll")) return true;
  }
  return false;
}

function actionFor(e, prefs) {
  const target = e.target instanceof Element ? e.target : document.body;
  if (target.closest(TYPING)) return null;
  if (e.key === " " || e.key.startsWith("Arrow")) {
    if (e.key === " " && target.closest(USES_SPACE)) return null;
    if (e.key.startsWith("Arrow") && target.closest(USES_ARROWS)) return null;
    if (ownedBy(target, e.key)) return null;
    return FIXED[e.shiftKey ? `Shift+${e.key}` : e.key] ?? null;
  }
  return Object.keys(prefs.keys).find((action) => prefs.keys[action] === e.key) ?? null;
}

// aria-keyshortcuts on the page's buttons ([data-act]) say the keys in force, or nothing.
function describe(prefs) {
  for (const button of document.querySelectorAll("button[data-act]")) {
    const act = button.dataset.act;
    const keys = prefs.enabled ? [prefs.keys[act], ...Object.keys(FIXED).filter((k) => FIXED[k] === act)] : [];
    const names = keys.filter(Boolean).map((k) => (k === " " ? "Space" : k));
    if (names.length) button.setAttribute("aria-keyshortcuts", names.join(" "));
    else button.removeAttribute("aria-keyshortcuts");
  }
}

/** Listen for the shortcuts; `actions` maps an action's name to what it does. Its `help`
 * (opening the dialog) then first fills in the dialog's settings, once. */
export function installShortcuts(actions) {
  const prefs = { ...load() };
  const changed = () => describe(prefs);
  const dialog = document.getElementById("help");
  const open = actions.help;
  let settings = null;
  if (dialog && open) {
    actions.help = async () => {
      settings ??= import("./keys_settings.js").then((m) => m.installSettings(dialog, prefs, changed));
      await settings;
      open();
    };
  }
  changed();
  document.addEventListener("keydown", (e) => {
    if (!prefs.enabled || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const act = actionFor(e, prefs);
    if (!act || !actions[act]) return;
    e.preventDefault();
    actions[act]();
  });
}
