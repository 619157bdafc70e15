// Entries coming and going in the list of quotes and annotations, with their timeline marks:
// this page's own changes (annotating.js) and others' (live updates). Loaded with the first
// such change: most readers see none. `annotations` is annotate.js's Annotations.
const FOCUSABLE = "a[href], button:not([hidden]), summary, input, select, textarea";
const focusables = (root) => [...root.querySelectorAll(FOCUSABLE)];

// One entry as the server renders it (_item.html), put in time order with its timeline mark;
// its data-* attributes say where. Whoever had the focus in it keeps it there.
export function insert(annotations, html) {
  const holder = document.createElement("template");
  holder.innerHTML = html.trim();
  const item = holder.content.firstElementChild;
  const { id, kind } = item.dataset;
  const at = (name) => (name in item.dataset ? Number(item.dataset[name]) : null);
  const old = document.getElementById(`annotation-${id}`);
  const focused = old ? focusables(old).indexOf(document.activeElement) : -1;
  old?.remove();
  const later = [...annotations.list.children].find(
    (li) => !("start" in li.dataset) || (at("start") !== null && Number(li.dataset.start) > at("start")),
  );
  annotations.list.insertBefore(item, later ?? null);
  document.getElementById("no-annotations")?.remove();
  annotations.enhance(item);
  if (focused >= 0) focusables(item)[focused]?.focus({ preventScroll: true });
  annotations.timeline.addMark(id, kind, at("start"), at("end"));
  return item;
}

// An entry gone (deleted, hidden, made private); the focus goes to its neighbour's first
// control rather than to the page's start.
export function remove(annotations, id) {
  const item = document.getElementById(`annotation-${id}`);
  if (item?.contains(document.activeElement)) {
    const neighbour = item.nextElementSibling ?? item.previousElementSibling;
    (neighbour ? focusables(neighbour)[0] : document.getElementById("annotations-h"))?.focus();
  }
  item?.remove();
  annotations.timeline.removeMark(id);
}
