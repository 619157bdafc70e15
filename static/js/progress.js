// A file form uploaded with a real progress bar, for every page that has one. XMLHttpRequest
// is used because fetch() cannot report how much of a request body has been sent. The form
// holds [data-upload-progress] (a <progress> and [data-upload-status]) and [data-upload-error];
// the server answers JSON when asked (Accept: application/json). Without scripts the same form
// posts normally and the server answers with a redirect or the page and its message.

import { language, t } from "./i18n.js";

const decimal = new Intl.NumberFormat(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const megabytes = (n) => t("{n} MB", { n: decimal.format(n / 1e6) });

export function uploadWithProgress(form, { maxBytes, maxSize, opened }) {
  const box = form.querySelector("[data-upload-progress]");
  const bar = box.querySelector("progress");
  const status = box.querySelector("[data-upload-status]");
  const errorBox = form.querySelector("[data-upload-error]");
  const button = form.querySelector("button[type=submit]");

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    box.hidden = true;
    button.disabled = false;
  }

  function showProgress(loaded, total) {
    const percent = total ? Math.floor((loaded / total) * 100) : 0;
    bar.value = percent;
    status.textContent =
      percent < 100
        ? t("{percent}% ({sent} of {size})", { percent, sent: megabytes(loaded), size: megabytes(total) })
        : t("100% ({size}), checking the file…", { size: megabytes(total) });
  }

  form.addEventListener("submit", (event) => {
    const file = form.elements.file.files[0];
    event.preventDefault();
    if (file && file.size > maxBytes) {
      showError(t("the file is larger than the upload limit of {size}", { size: maxSize }));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (e) => showProgress(e.loaded, e.total));
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        window.location.assign(opened(xhr.response));
      } else {
        showError(xhr.response?.detail ?? t("the upload failed (HTTP {status})", { status: xhr.status }));
      }
    });
    xhr.addEventListener("error", () => showError(t("the connection failed; try again")));
    errorBox.hidden = true;
    box.hidden = false;
    button.disabled = true;
    showProgress(0, file ? file.size : 0);
    xhr.send(new FormData(form));
  });
}
