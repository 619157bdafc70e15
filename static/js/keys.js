// Keyboard shortcuts for the whole page (listed in the "?" help dialog). They stay out of
// the way while someone types, and leave Space to a focused button or link.
const TYPING = "input, textarea, select, [contenteditable], dialog[open]";

export function installShortcuts(actions) {
  document.addEventListener("keydown", (e) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest?.(TYPING)) return;
    const onControl = e.target.closest?.("button, a, summary");
    const key = e.key;
    let act;
    if (key === " " && !onControl) act = "toggle";
    else if (key === "k") act = "toggle";
    else if (key === "j" || (key === "ArrowLeft" && !e.shiftKey)) act = "back5";
    else if (key === "l" || (key === "ArrowRight" && !e.shiftKey)) act = "fwd5";
    else if (key === "ArrowLeft") act = "back30";
    else if (key === "ArrowRight") act = "fwd30";
    else if (key === "n") act = "next";
    else if (key === "p") act = "prev";
    else if (key === "a") act = "annotate";
    else if (key === "c") act = "copy-moment";
    else if (key === "?") act = "help";
    if (!act || !actions[act]) return;
    e.preventDefault();
    actions[act]();
  });
}
