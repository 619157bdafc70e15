// Another segment's "Speakers of this session" panel (navigator.js asks when playback enters a
// segment whose panel the page does not hold): the one on that segment's page, the address its
// entry in the sessions list links (a page kept for a crowd), fetched once.
const pages = new Map(); // slug -> its page's HTML ("" if it could not be had)

// Shows the panel in `box` if `wanted()` still holds once it is here.
export async function bring(box, slug, wanted) {
  const pick = (root) => root.querySelector(`.speakers [data-segment="${CSS.escape(slug)}"]`);
  if (!pages.has(slug)) {
    const link = document.querySelector(`#chapters li[data-slug="${CSS.escape(slug)}"] > a`);
    const page = link ? fetch(link.href).then((r) => (r.ok ? r.text() : "")) : Promise.resolve("");
    pages.set(slug, page.catch(() => ""));
  }
  const html = await pages.get(slug);
  const panel = pick(document) ?? (html && pick(new DOMParser().parseFromString(html, "text/html")));
  if (!panel || !wanted()) return;
  box.append(panel);
  for (const p of box.querySelectorAll("[data-segment]")) p.hidden = p !== panel;
}
