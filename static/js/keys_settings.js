// The "?" help dialog and its shortcut settings (keys.js loads this at its first opening; the
// page without scripts has no shortcuts, so no dialog): the on/off switch saves at once, the
// keys on "Save keys".
import { t } from "./i18n.js";
import { DEFAULTS, STORE } from "./keys.js";
import { stylesheet } from "./util.js";

await stylesheet(new URL("../css/help.css", import.meta.url));

// Each action's name, in the order the dialog lists them (keys.js has their usual keys).
const LABELS = {
  toggle: () => t("Play or pause"),
  back5: () => t("Back 5 seconds"),
  fwd5: () => t("Forward 5 seconds"),
  prev: () => t("Previous session"),
  next: () => t("Next session"),
  where: () => t("Say the time and session"),
  annotate: () => t("Annotate here"),
  "copy-moment": () => t("Copy link to this moment"),
  help: () => t("This help"),
};

function save(prefs) {
  try {
    localStorage.setItem(STORE, JSON.stringify(prefs));
  } catch {
    // Storage refused (private mode, quota): the choice lasts for this page only.
  }
}

// What is wrong with a mapping, as [action, message], or null when every key is usable.
function problem(keys) {
  const seen = {};
  for (const [action, key] of Object.entries(keys)) {
    const label = LABELS[action]?.();
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

// The dialog, at the end of the page's main part; its rows of keys are filled in below.
function makeDialog() {
  const dialog = Object.assign(document.createElement("dialog"), { id: "help" });
  dialog.setAttribute("aria-labelledby", "help-h");
  dialog.innerHTML = `<h2 id="help-h"></h2>
<form id="keys-form" class="keys-form" novalidate>
<p><input type="checkbox" id="keys-on" checked> <label for="keys-on"></label></p>
<fieldset id="keys-map"><legend></legend></fieldset>
<p class="muted" id="keys-also"></p>
<p class="error" id="keys-error" role="alert" hidden></p>
<p class="muted" id="keys-status" role="status"></p>
<p><button type="submit"></button> <button type="button" id="keys-reset"></button></p>
</form>
<form method="dialog"><button type="submit"></button></form>`;
  const say = (selector, text) => (dialog.querySelector(selector).textContent = text);
  say("#help-h", t("Keyboard shortcuts"));
  say("label[for=keys-on]", t("Single-key shortcuts"));
  say("legend", t("Keys"));
  // The message's own markup (<kbd>), from the translations, as the templates take it.
  dialog.querySelector("#keys-also").innerHTML = t(
    "Also <kbd>Space</kbd> plays or pauses and <kbd>←</kbd> <kbd>→</kbd> go back or forward 5 seconds (30 with <kbd>Shift</kbd>), unless the focus is on something that uses these keys.",
  );
  say("#keys-form button[type=submit]", t("Save keys"));
  say("#keys-reset", t("Restore the usual keys"));
  say("form[method=dialog] button", t("Close"));
  (document.getElementById("main") ?? document.body).append(dialog);
  return dialog;
}

export function installSettings(prefs, changed) {
  const dialog = makeDialog();
  const form = dialog.querySelector("#keys-form");
  const on = form.querySelector("#keys-on");
  const map = form.querySelector("#keys-map");
  const error = form.querySelector("#keys-error");
  const status = form.querySelector("#keys-status");
  const fields = {};
  for (const [action, label] of Object.entries(LABELS)) {
    const row = document.createElement("p");
    const name = document.createElement("label");
    const field = document.createElement("input");
    Object.assign(field, { id: `key-${action}`, name: action, size: 2, maxLength: 2, autocomplete: "off" });
    field.setAttribute("aria-describedby", "keys-error");
    Object.assign(name, { htmlFor: field.id, textContent: label() });
    row.append(name, " ", field);
    map.append(row);
    fields[action] = field;
  }
  const show = () => {
    on.checked = prefs.enabled;
    map.disabled = !prefs.enabled;
    for (const [action, field] of Object.entries(fields)) field.value = prefs.keys[action];
  };
  const refuse = (message, field) => {
    error.textContent = message;
    error.hidden = !message;
    for (const f of Object.values(fields)) f.removeAttribute("aria-invalid");
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  };
  const apply = (next, message) => {
    Object.assign(prefs, next);
    save(prefs);
    changed();
    show();
    refuse("");
    status.textContent = message;
  };
  on.addEventListener("change", () =>
    apply(
      { enabled: on.checked },
      on.checked ? t("Single-key shortcuts are on.") : t("Single-key shortcuts are off."),
    ),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const keys = Object.fromEntries(Object.entries(fields).map(([action, field]) => [action, field.value]));
    const wrong = problem(keys);
    if (wrong) return refuse(wrong[1], fields[wrong[0]]);
    apply({ keys }, t("Keys saved."));
  });
  form.querySelector("#keys-reset").addEventListener("click", () =>
    apply({ keys: { ...DEFAULTS.keys } }, t("The usual keys are back.")),
  );
  dialog.addEventListener("close", () => {
    status.textContent = "";
    show();
    refuse("");
  });
  show();
}

