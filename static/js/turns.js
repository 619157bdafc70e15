// The who-spoke-when lane and the editor's turn forms (_turns_lane.html). The server only draws
// the blocks (too narrow to point at); here each becomes a link that seeks to its start. The
// lane is one Tab stop walked with the arrow keys, Home and End (roving tabindex); hover or
// focus shows a block's speaker and times under the lane.
// The editor's "Set start/end to current time" buttons are set_time.js's.
import { wireTimeButtons } from "./set_time.js";

const startOf = (block) => Number(block.dataset.start);

// The drawn block as a link (its name the title) to the page at its start.
function asLink(block) {
  const link = document.createElement("a");
  for (const { name, value } of block.attributes) if (name !== "data-href") link.setAttribute(name, value);
  link.href = block.dataset.href;
  block.replaceWith(link);
  return link;
}

export function enhanceTurns(player) {
  const lane = document.getElementById("lane");
  if (lane) enhanceLane(lane, player);
  const tools = document.getElementById("turn-tools");
  if (tools) wireTimeButtons(player, tools);
}

function enhanceLane(lane, player) {
  const blocks = [...lane.querySelectorAll("[data-href]")].map(asLink);
  const caption = document.getElementById("lane-now");
  const show = (block) => (caption.textContent = block?.title ?? "");
  const rove = (block) => {
    for (const b of blocks) b.tabIndex = b === block ? 0 : -1;
    return block;
  };
  // The Tab stop is the block playing now (else the first), so Tab lands where one is.
  rove(blocks.filter((b) => startOf(b) <= player.currentTime).pop() ?? blocks[0]);
  lane.addEventListener("click", (e) => {
    const block = e.target.closest("a");
    if (!block) return;
    e.preventDefault();
    rove(block).focus();
    player.seek(startOf(block));
  });
  lane.addEventListener("keydown", (e) => {
    const i = blocks.indexOf(e.target);
    const moves = { ArrowLeft: i - 1, ArrowUp: i - 1, ArrowRight: i + 1, ArrowDown: i + 1, Home: 0, End: blocks.length - 1 };
    if (i < 0 || !(e.key in moves)) return;
    e.preventDefault(); // also keeps the page's arrow-key shortcuts (±5 s) out of it
    rove(blocks[Math.min(Math.max(moves[e.key], 0), blocks.length - 1)]).focus();
  });
  lane.addEventListener("pointerover", (e) => show(e.target.closest("a")));
  lane.addEventListener("pointerleave", () => show(lane.contains(document.activeElement) ? document.activeElement : null));
  lane.addEventListener("focusin", (e) => show(e.target));
  lane.addEventListener("focusout", () => show(null));
}
