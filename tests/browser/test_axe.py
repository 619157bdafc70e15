"""axe-core (Deque's rules for WCAG 2.0-2.2 A and AA) over every HTML page of the app and its
main states, on a desktop and on a phone, signed in as an admin so every control is there
(issue 12). A failure names the rule, its impact, the elements and the page and state, so it
says what to fix. axe-core comes bundled with axe-playwright-python: nothing is downloaded."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlmodel import select
from test_authorization import DESCRIBED
from test_translations import _pages

from app.http.auth import SESSION_COOKIE
from app.models import Annotation, AnnotationKind, Speaker
from app.services import accounts

pytestmark = pytest.mark.browser

# Violations still there in files being reworked elsewhere: (state, viewport, rule) -> what to
# fix. Each is a strict expected failure, so the suite says when it is fixed: then remove the
# entry. Nothing else is excused.
EXPECTED: dict[tuple[str, str, str], str] = {}

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
NAVIGATOR = "/r/{recording}"
AXE = Axe()


class KnownViolation(AssertionError):
    """A violation listed in EXPECTED: the only failure its xfail excuses (any other fails)."""


class _Unfilled(dict):
    """Keeps a route's parameters as `{name}`: the test fills them from the demo."""

    def __missing__(self, key: str) -> str:
        return f"{{{key}}}"


# (state, path): every page of the route table as it opens, then the states that show more.
STATES = [(path, path) for path in _pages(DESCRIBED, _Unfilled())] + [
    ("help dialog", NAVIGATOR),
    ("refused annotation", NAVIGATOR),
    ("no JavaScript", NAVIGATOR),
    ("not found", "/no-such-page"),
    ("Russian", NAVIGATOR + "?lang=ru"),
]


def _cases() -> list:
    return [
        pytest.param(
            state,
            path,
            viewport,
            marks=[
                pytest.mark.xfail(raises=KnownViolation, strict=True, reason=f"{rule}: {why}")
                for (s, v, rule), why in EXPECTED.items()
                if (s, v) == (state, viewport)
            ],
            id=f"{state}-{viewport}",
        )
        for state, path in STATES
        for viewport in VIEWPORTS
    ]


@pytest.fixture
def ids(demo, transcribed, database) -> dict[str, str]:
    """The demo's records, with a transcript, that fill the routes' paths (read in a unit of
    work of its own: a live test's server must be able to write while the test runs)."""
    with database.unit_of_work() as session:
        quote = session.exec(select(Annotation).where(Annotation.kind == AnnotationKind.quote))
        return {
            "recording": demo,
            "event": "clusters-open-boundaries-2019",
            "segment": "round-table",
            "annotation": str(quote.first().id),
            "speaker": session.exec(select(Speaker)).first().slug,
        }


def _signed_in_tab(browser, live_server, database, viewport: str, **options):
    """A tab of a fresh context signed in as the admin (the session started as /login starts
    one, without the form's deliberately slow password check)."""
    with database.unit_of_work() as session:
        secret = accounts.start_session(session, user=accounts.get(session, username="admin"))
    context = browser.new_context(base_url=live_server, viewport=VIEWPORTS[viewport], **options)
    context.add_cookies([{"name": SESSION_COOKIE, "value": secret, "url": live_server}])
    return context, context.new_page()


def _show(tab, state: str, path: str, javascript: bool) -> None:
    """Opens the page and brings it to the state, ready (Swagger UI and the navigator build
    their pages with scripts)."""
    response = tab.goto(path)
    assert response.status == (404 if state == "not found" else 200), path
    if path == "/docs":
        tab.wait_for_selector("#swagger-ui .opblock")
    elif javascript and tab.locator("script[src*='navigator.js']").count():
        tab.wait_for_selector("body[data-ready=true]")
    if state == "help dialog":
        tab.keyboard.press("?")
        tab.wait_for_selector("#help[open]")
    elif state == "refused annotation":
        tab.fill("#a-start", "half past nine")
        tab.click("#annotate button[type=submit]")
        tab.wait_for_selector("#annotate-error:not(:empty)")


def _described(violations: list[dict], where: str) -> list[str]:
    """One line a violation: rule, impact, what it asks, and the first elements it found."""
    lines = []
    for violation in violations:
        targets = [" ".join(node["target"]) for node in violation["nodes"]]
        more = f" and {len(targets) - 5} more" if len(targets) > 5 else ""
        lines.append(
            f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}: "
            f"{' | '.join(targets[:5])}{more}"
        )
    return lines


@pytest.mark.parametrize(("state", "path", "viewport"), _cases())
def test_no_accessibility_violations(browser, live_server, database, ids, state, path, viewport):
    javascript = state != "no JavaScript"
    context, tab = _signed_in_tab(browser, live_server, database, viewport)
    if not javascript:
        # The page as a browser without JavaScript shows it: none of its scripts (all are
        # files, the Content-Security-Policy allows no inline code) is loaded. A context with
        # java_script_enabled=False would do the same, but axe itself, a script whose promise
        # needs timers, never finishes in one (Playwright's evaluate hangs there).
        context.route(re.compile(r"\.js(\?.*)?$"), lambda route: route.abort())
    try:
        url = path.format_map(ids)
        _show(tab, state, url, javascript)
        results = AXE.run(tab, options={"runOnly": {"type": "tag", "values": TAGS}})
    finally:
        context.close()
    where = f"{url} ({state}, {viewport})"
    known = {rule for (s, v, rule) in EXPECTED if (s, v) == (state, viewport)}
    violations = results.response["violations"]
    found = _described([v for v in violations if v["id"] not in known], where)
    assert found == [], "\n".join(found)
    still = _described([v for v in violations if v["id"] in known], where)
    if still:
        raise KnownViolation("\n".join(still))
