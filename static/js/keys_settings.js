// The shortcut settings in the "?" help dialog (keys.js loads this at its first opening): the
// on/off switch saves at once, the keys on "Save keys".
import { t } from "./i18n.js";
import { ACTIONS, DEFAULTS, problem, save } from "./keys.js";

export function installSettings(dialog, prefs, changed) {
  const form = dialog?.querySelector("#keys-form");
  if (!form) return;
  const on = form.querySelector("#keys-on");
  const map = form.querySelector("#keys-map");
  const error = form.querySelector("#keys-error");
  const status = form.querySelector("#keys-status");
  const fields = {};
  for (const [action, { label }] of Object.entries(ACTIONS)) {
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

