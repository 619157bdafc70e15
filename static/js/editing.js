// The editing pages with a player beside their form (recording_form.html, session_form.html).
import { createPlayer } from "./player.js";
import { wireTimeButtons } from "./set_time.js";
import { keepMoment, pageData } from "./util.js";

const player = await createPlayer(document.querySelector(".player-box"), pageData());
if (player) {
  wireTimeButtons(player);
  keepMoment(player);
}
