// The page's language for scripts: translations of their strings come with the page (a JSON
// block made from the same gettext catalog as the templates, app/i18n.py); English is the key.
const block = document.getElementById("script-messages");
const messages = block ? JSON.parse(block.textContent) : {};

/** The message in the page's language; `{name}` placeholders filled from `values`. */
export function t(message, values = {}) {
  const text = messages[message] ?? message;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** The page's language, for Intl formatting. */
export const language = document.documentElement.lang || "en";
