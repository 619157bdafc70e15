// The list of quotes and annotations: jumping to an entry's moment, copying its link or its
// citation. Entries coming and going (this page's own changes and others', live.js) come with
// the first change (entry_changes.js). A signed-in reader's part (the annotate form, deleting
// and placing entries) comes by import() with the form: a reader not signed in has neither.
import { t } from "./i18n.js";
import { announce, copy } from "./util.js";

const ECHO = 5000; // ms during which a live update of the page's own change is its echo

export async function apiError(response) {
  try {
    return (await response.json()).detail;
  } catch {
    return t("the server answered {status}", { status: response.status });
  }
}

export class Annotations {
  constructor({ form, list, timeline, player, data }) {
    Object.assign(this, { form, list, timeline, player, data });
    this.changed = new Map(); // id -> when this page itself changed it
    list.addEventListener("click", (e) => this.listClick(e));
    this.enhance(list);
    // Signed out, the page offers a sign-in link where the form would be.
    this.ready =
      form instanceof HTMLFormElement
        ? import("./annotating.js").then(({ Annotating }) => (this.signedIn = new Annotating(this)))
        : Promise.resolve();
  }
  annotateHere() {
    if (this.signedIn) this.signedIn.annotateHere();
    else this.form.querySelector("a")?.focus();
  }
  // Whether this page itself just changed the entry: its live update is no news then.
  echo(id) {
    return Date.now() - (this.changed.get(String(id)) ?? 0) < ECHO;
  }
  // Each entry's "Copy link" and "Copy citation", beside the links they copy and named like
  // them ("Copy link — quote 2, Evgeniy Kutsenko", the words after the dash from _item.html).
  enhance(root) {
    for (const button of root.querySelectorAll(".js-only")) button.hidden = false;
    for (const actions of root.querySelectorAll(".annotation > .actions")) {
      const permalink = actions.querySelector(".permalink");
      const cite = actions.querySelector(".cite");
      if (!permalink || actions.querySelector(".copy")) continue;
      const about = permalink.querySelector(".vh")?.textContent ?? "";
      const button = (label, data) => {
        const made = Object.assign(document.createElement("button"), { type: "button", className: "copy" });
        const hidden = Object.assign(document.createElement("span"), { className: "vh", textContent: about });
        made.append(label, hidden);
        Object.assign(made.dataset, data);
        return made;
      };
      // The site's own address for it, as the share box's (the page may be reached otherwise).
      const link = new URL(permalink.getAttribute("href"), this.data.shareBase ?? location.href).href;
      permalink.after(button(t("Copy link"), { copy: link }));
      const citation = button(t("Copy citation"), { cite: actions.closest(".annotation").dataset.id });
      if (cite?.tagName === "DETAILS") cite.append(citation);
      else cite?.after(citation);
    }
  }
  listClick(event) {
    const jump = event.target.closest("a.jump");
    const copier = event.target.closest("button.copy");
    if (jump) {
      event.preventDefault();
      this.player.seek(Number(jump.dataset.seek));
      this.highlight(jump.closest(".annotation"));
    } else if (copier?.dataset.cite) {
      this.copyCitation(copier.dataset.cite);
    } else if (copier) {
      copy(copier.dataset.copy, "link");
    }
  }
  // The citation as the API gives it (in the list, only the linked entry shows its own).
  async copyCitation(id) {
    const response = await fetch(`/api/v1/annotations/${id}`, { headers: { Accept: "application/json" } });
    if (!response.ok) return announce(await apiError(response));
    copy((await response.json()).citation, "citation");
  }
  highlight(item) {
    for (const old of this.list.querySelectorAll(".highlighted")) {
      old.classList.remove("highlighted");
      old.removeAttribute("aria-current");
    }
    item.classList.add("highlighted");
    item.setAttribute("aria-current", "true");
  }
}
