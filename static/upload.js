// The upload page's file form, with the shared progress bar; a new recording opens in the
// navigator.
import { uploadWithProgress } from "./js/progress.js";

const { maxBytes, maxSize } = JSON.parse(document.getElementById("upload-data").textContent);
uploadWithProgress(document.getElementById("upload-file"), {
  maxBytes,
  maxSize,
  opened: (recording) => recording.links.navigator,
});
