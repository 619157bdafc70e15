"""Conformance of app.timecodes against external test data, read in place (never copied).

* W3C Media Fragments URI 1.0 user-agent test cases, temporal dimension (78 cases).
* yt-dlp ``parse_duration`` cases, for the YouTube-style and clock forms we claim to support.

The data lives in ``../shared/conformance`` beside the checkout; see the SOURCE.md files there.
"""

import json
from pathlib import Path

import pytest

from app.timecodes import TimecodeError, TimeRange, parse_fragment, parse_time

CONFORMANCE = Path(__file__).resolve().parents[2] / "shared" / "conformance"
MEDIA_FRAGMENTS = CONFORMANCE / "media-fragments" / "temporal-cases.jsonl"
YOUTUBE = CONFORMANCE / "youtube-time" / "parse_duration_cases.jsonl"

# Cases whose expected outcome we knowingly take from somewhere other than their W3C class.
DEVIATIONS = {
    # The Nov-2011 RDF calls a trailing dot invalid; the final REC ABNF (npt-mmss / npt-hhmmss
    # "." *DIGIT) and WebKit's copy of the table accept it (see the case's `note`).
    "TC0080-UA": TimeRange(0.0, None),  # t=00:00.
    "TC0081-UA": TimeRange(0.0, None),  # t=0:00:00.
    # "t=0s" is not W3C npt, but unit forms ("8400s", "2h20m") are a product extension that the
    # brief requires in fragments too. Its effect (play from 0 to the end) equals ignoring it.
    "TC0064-UA": TimeRange(0.0, None),
    # "t=3," is a W3C syntax error, but PRODUCT §4 promises "t=START," in the fragment as well.
    "TC0012-UA": TimeRange(3.0, None),
}


def _load(path: Path) -> list[dict]:
    if not CONFORMANCE.is_dir():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _require_data() -> None:
    if not CONFORMANCE.is_dir():
        pytest.skip(f"conformance data not found at {CONFORMANCE} (CI provides ../shared)")


def _params(cases: list[dict], key: str) -> list:
    # One placeholder keeps the tests collected (and skipped with a reason) without the data.
    return [pytest.param(case, id=str(case[key])) for case in cases] or [pytest.param(None)]


MF_CASES = _load(MEDIA_FRAGMENTS)
YT_CASES = _load(YOUTUBE)


def test_media_fragment_case_count() -> None:
    _require_data()
    assert len(MF_CASES) == 78
    assert {c["id"] for c in MF_CASES} >= DEVIATIONS.keys()
    rec_accepts = {c["id"] for c in MF_CASES if "final REC" in c.get("note", "")}
    assert rec_accepts == {"TC0080-UA", "TC0081-UA"}


@pytest.mark.parametrize("case", _params(MF_CASES, "id"))
def test_media_fragment_temporal_case(case: dict) -> None:
    """Every temporal case is asserted.

    ``invalid_uri`` cases must yield None (the fragment is ignored), except ``DEVIATIONS``.
    Valid npt cases (including ``valid_syntax_invalid_for_media``: the syntax is fine and
    clamping to the media duration is the player's job) must give the expected start/end.
    We support the npt unit only, so valid smpte/smpte-25/smpte-30/smpte-30-drop/clock
    cases must also yield None: a link we cannot honour plays the whole recording.
    """
    _require_data()
    got = parse_fragment(case["fragment"])
    if case["id"] in DEVIATIONS:
        assert got == DEVIATIONS[case["id"]]
    elif case["w3c_class"] == "invalid_uri":
        assert got is None
    elif case["expected_unit"] == "npt":
        assert got == TimeRange(case["expected_start_s"], case["expected_end_s"])
    else:
        assert case["expected_unit"] in {"smpte", "smpte-25", "smpte-30", "smpte-30-drop", "clock"}
        assert got is None


# Inputs outside the YouTube t= shape that we support: the clock forms of our contract.
# "1337:12" is accepted: the leading field of a clock is unbounded (like hours in h:mm:ss).
YT_SUPPORTED_CLOCKS = {"1337:12", "9:12:43", "12:00", "00:01:01", "02:03:04", "01:02:03.05"}
# Everything else must be rejected: natural language ("3 hours"), spaced units ("3h 11m 53s"),
# ISO 8601 durations ("PT1H0.040S"), four-field clocks ("01:02:03:04"), 3-digit seconds
# ("103:050") and non-times ("invalid", "x:y").


def test_youtube_supported_list_matches_data() -> None:
    _require_data()
    assert {c["input"] for c in YT_CASES} >= YT_SUPPORTED_CLOCKS
    assert sum(c["youtube_t_style"] for c in YT_CASES) == 8


@pytest.mark.parametrize("case", _params(YT_CASES, "input"))
def test_youtube_duration_case(case: dict) -> None:
    _require_data()
    if case["youtube_t_style"] or case["input"] in YT_SUPPORTED_CLOCKS:
        assert parse_time(case["input"]) == case["expected_seconds"]
    else:
        with pytest.raises(TimecodeError):
            parse_time(case["input"])
