// The import page's transcript form, with the shared progress bar; the imported transcript
// opens in the navigator.
import { uploadWithProgress } from "./progress.js";

const { maxBytes, maxSize } = JSON.parse(document.getElementById("upload-data").textContent);
uploadWithProgress(document.getElementById("transcript-form"), {
  maxBytes,
  maxSize,
  opened: (imported) => imported.navigator,
});
