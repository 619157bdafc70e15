// Keyboard shortcuts for the player (WCAG 2.1.4): single keys can be switched off or changed
// in the "?" help dialog, a choice kept in this browser. A key never acts on a focused
// control that uses it: fields, buttons and links (Space), the timeline slider and the media
// (arrows), and anything that scrolls, such as the transcript (Space and arrows).
// The settings' form comes with the dialog's first opening (keys_settings.js).
export const STORE = "sessionnav.shortcuts";
// The actions with a key of their own and their usual keys, in the order the help dialog lists
// them (with their names, keys_settings.js).
export const DEFAULTS = {
  enabled: true,
  keys: { toggle: "k", back5: "j", fwd5: "l", prev: "p", next: "n", where: "t", annotate: "a", "copy-moment": "c", help: "?" },
};
// Media-player keys that cannot be changed; they are switched off with the others.
const FIXED = {
  " ": "toggle",
  ArrowLeft: "back5",
  ArrowRight: "fwd5",
  "Shift+ArrowLeft": "back30",
  "Shift+ArrowRight": "fwd30",
};
const TYPING = "input, textarea, select, [contenteditable], dialog[open]";
const USES_SPACE = "button, a, summary, video, audio, [role=button], [role=link], [role=checkbox], [role=switch], [role=option], [role=tab], [role=menuitem]";
const USES_ARROWS =
  "video, audio, [role=slider], [role=listbox], [role=grid], [role=tree], [role=tablist], [role=menu], [role=menubar], [role=radiogroup], [role=toolbar], [role=spinbutton]";

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORE));
    const keys = { ...DEFAULTS.keys, ...saved?.keys };
    if (!usable(keys)) return DEFAULTS;
    return { enabled: saved?.enabled !== false, keys };
  } catch {
    return DEFAULTS;
  }
}

// Whether every action's key is one character, not a space, and none is used twice (what is
// wrong, in words, is for the settings: keys_settings.js).
function usable(keys) {
  const used = Object.keys(DEFAULTS.keys).map((action) => keys[action]);
  return used.every((k) => typeof k === "string" && [...k].length === 1 && k.trim()) && new Set(used).size === used.length;
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
 * (opening the dialog) then first makes the dialog with its settings, once. */
export function installShortcuts(actions) {
  const prefs = { ...load() };
  const changed = () => describe(prefs);
  const open = actions.help;
  let settings = null;
  if (open) {
    actions.help = async () => {
      settings ??= import("./keys_settings.js").then((m) => m.installSettings(prefs, changed));
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
