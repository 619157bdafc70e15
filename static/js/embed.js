// The embeddable player: the same player interface, so `t` ranges stop at their end.
import { createPlayer } from "./player.js";
import { pageData } from "./util.js";

createPlayer(document.querySelector(".frame"), pageData());
