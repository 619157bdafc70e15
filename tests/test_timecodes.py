"""Unit and property tests for app.timecodes (the one time-code parser/formatter)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.timecodes import (
    TimecodeError,
    TimeRange,
    format_chapter,
    format_compact,
    format_range,
    format_time,
    parse_fragment,
    parse_range,
    parse_time,
)

# No deadline: a slow CI runner must not turn into a flaky failure.
PROPERTY = settings(max_examples=300, deadline=None)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("8400", 8400),
        ("8400s", 8400),
        ("8400.5", 8400.5),
        ("2h20m", 8400),
        ("2h20m5s", 8405),
        ("140m", 8400),
        ("90s", 90),
        ("2:20:00", 8400),
        ("02:20:00.250", 8400.25),
        ("20:00", 1200),
        ("npt:8400", 8400),
        ("npt:2:20:00", 8400),
        # edges of the same forms
        ("0", 0),
        ("3.", 3),  # W3C npt-sec allows a trailing dot
        ("0:00:00.", 0),
        (" 8400 \n", 8400),
        ("62m45s", 3765),
        ("2h5s", 7205),
        ("1.5h", 5400),
        ("2h20m0.5s", 8400.5),
        ("100:00:00", 360_000),  # hours are unbounded
        ("1337:12", 80_232),  # so is the leading field of mm:ss
        ("npt:20:00.5", 1200.5),
        ("0.0004", 0.0),  # rounded to milliseconds
        ("1.23456", 1.235),
        ("59.9996", 60.0),
        ("10000000", 10_000_000),
    ],
)
def test_parse_time_accepts_contract_forms(text: str, seconds: float) -> None:
    assert parse_time(text) == seconds


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("-5", "negative"),
        ("-1:00", "negative"),
        ("nan", "finite"),
        ("inf", "finite"),
        ("+Infinity", "finite"),
        ("2:75:00", "minutes must be 00-59"),
        ("0:0:0", "minutes"),
        ("0:000:000", "minutes"),
        ("2:20:60", "seconds must be 00-59"),
        ("20:5", "seconds"),
        ("20:60", "seconds"),
        ("1.5h20m", "only the last unit may have a fraction"),
        ("10000000.001", "too large"),
        ("9" * 5000, "too large"),
        ("2m1h", "not a time code"),
        ("1h1h", "not a time code"),
        ("2h 20m", "not a time code"),
        ("2H20M", "not a time code"),
        (".5", "not a time code"),
        ("1e3", "not a time code"),
        ("1:02:03:04", "not a time code"),
        ("banana", "not a time code"),
        ("npt:", "not a time code"),
        ("npt:2h", "not a time code"),
        ("smpte:0:00:03", "not a time code"),
        ("PT1H", "not a time code"),
        ("\u0663", "not a time code"),  # ARABIC-INDIC DIGIT THREE: ASCII digits only
    ],
)
def test_parse_time_rejects_with_reason(text: str, problem: str) -> None:
    with pytest.raises(TimecodeError, match=problem):
        parse_time(text)


def test_error_quotes_input_and_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"^'2:75:00': minutes must be 00-59$"):
        parse_time("2:75:00")
    with pytest.raises(TimecodeError) as excinfo:
        parse_time("x" * 5000)
    assert len(str(excinfo.value)) < 200  # long input is shortened in the message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8400", TimeRange(8400, None)),
        ("8400,8460", TimeRange(8400, 8460)),
        (",8460", TimeRange(0.0, 8460)),
        ("8400,", TimeRange(8400, None)),
        ("2h20m,2:21:00", TimeRange(8400, 8460)),
        ("npt:0,0.001", TimeRange(0, 0.001)),
        (" 3 , 7 ", TimeRange(3, 7)),
    ],
)
def test_parse_range(text: str, expected: TimeRange) -> None:
    assert parse_range(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (",", "needs a start or an end"),
        ("", "empty"),
        ("3,3", "end must be after start"),
        ("7,3", "end must be after start"),
        (",0", "end must be after start"),
        ("3,7,9", "at most one comma"),
        ("3,banana", "not a time code"),
        ("-1,3", "negative"),
    ],
)
def test_parse_range_rejects(text: str, problem: str) -> None:
    with pytest.raises(TimecodeError, match=problem):
        parse_range(text)


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("t=8400,8460", TimeRange(8400, 8460)),
        ("#t=8400,8460", TimeRange(8400, 8460)),
        ("?t=2h20m", TimeRange(8400, None)),
        ("t=10,20&xywh=160,120,320,240", TimeRange(10, 20)),
        ("t=,7", TimeRange(0.0, 7)),
        ("t=npt:3,7", TimeRange(3, 7)),
        ("t=3,7&t=foo", TimeRange(3, 7)),  # an invalid later t is ignored
        ("t=7&t=3", TimeRange(3, None)),  # the last valid t wins
        ("%74=3", TimeRange(3, None)),  # decoded after splitting
        ("t=%33", TimeRange(3, None)),
        ("t=3%2C7", TimeRange(3, 7)),
        ("t=npt%3A3", TimeRange(3, None)),
        ("t=8400s", TimeRange(8400, None)),  # product extension
        ("", None),
        ("xywh=1,2,3,4", None),
        ("t%3D3", None),  # name "t=3" without a value
        ("t=10%26", None),  # value "10&"
        ("T=3,7", None),  # only lowercase t is temporal
        ("t=3,", TimeRange(3, None)),  # W3C syntax error, but PRODUCT §4 promises it
        ("t=,", None),
        ("t=7,3", None),
        ("t=smpte:0:00:03,0:00:07", None),  # only npt is supported
        ("t=clock:2010-10-22T07:33:56Z", None),
    ],
)
def test_parse_fragment(fragment: str, expected: TimeRange | None) -> None:
    assert parse_fragment(fragment) == expected


@pytest.mark.parametrize(
    ("seconds", "clock", "compact"),
    [
        (8400, "2:20:00", "2h20m"),
        (8405, "2:20:05", "2h20m5s"),
        (5, "0:00:05", "5s"),
        (90, "0:01:30", "1m30s"),
        (0, "0:00:00", "0s"),
        (3600, "1:00:00", "1h"),
        (43384, "12:03:04", "12h3m4s"),
        (8400.25, "2:20:00.250", "2h20m0.25s"),
        (8400.5, "2:20:00.500", "2h20m0.5s"),
        (0.001, "0:00:00.001", "0.001s"),
        (59.9996, "0:01:00", "1m"),  # rounded to milliseconds first
        (360_000, "100:00:00", "100h"),
    ],
)
def test_format_time_and_compact(seconds: float, clock: str, compact: str) -> None:
    assert format_time(seconds) == clock
    assert format_compact(seconds) == compact


@pytest.mark.parametrize(
    ("r", "value"),
    [
        (TimeRange(8400, 8460), "8400,8460"),
        (TimeRange(8400, None), "8400"),
        (TimeRange(8400.5, 8460), "8400.5,8460"),
        (TimeRange(0.0, 7.25), "0,7.25"),
    ],
)
def test_format_range(r: TimeRange, value: str) -> None:
    assert format_range(r) == value


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf"), 1e7 + 1])
def test_formatters_reject_unstorable_seconds(bad: float) -> None:
    for formatter in (format_time, format_compact):
        with pytest.raises(TimecodeError):
            formatter(bad)
    with pytest.raises(TimecodeError):
        format_range(TimeRange(bad, None))


ms_seconds = st.integers(0, 10**9).map(lambda ms: ms / 1000)


@st.composite
def ranges(draw: st.DrawFn) -> TimeRange:
    start_ms = draw(st.integers(0, 10**9 - 1))
    end_ms = draw(st.none() | st.integers(start_ms + 1, 10**9))
    return TimeRange(start_ms / 1000, None if end_ms is None else end_ms / 1000)


@PROPERTY
@given(ms_seconds)
def test_format_time_round_trips(seconds: float) -> None:
    assert parse_time(format_time(seconds)) == seconds


@PROPERTY
@given(ms_seconds)
def test_format_compact_round_trips(seconds: float) -> None:
    assert parse_time(format_compact(seconds)) == seconds


@PROPERTY
@given(ranges())
def test_format_range_round_trips(r: TimeRange) -> None:
    assert parse_range(format_range(r)) == r
    assert parse_fragment("t=" + format_range(r)) == r


@PROPERTY
@given(st.text(alphabet="0123456789:.,hmsnpt-+e %&=#", max_size=20))
def test_parsers_fail_only_with_timecode_error(text: str) -> None:
    try:
        seconds = parse_time(text)
        assert 0 <= seconds <= 1e7
        assert seconds == round(seconds, 3)
    except TimecodeError:
        pass
    try:
        ranges_found = [parse_range(text)]
    except TimecodeError:
        ranges_found = []
    ranges_found.append(parse_fragment(text))
    for r in filter(None, ranges_found):
        assert r.end is None or r.start < r.end


@pytest.mark.parametrize(
    ("seconds", "stamp"), [(0, "0:00"), (754, "12:34"), (3723, "1:02:03"), (36000, "10:00:00")]
)
def test_youtube_chapter_stamps(seconds, stamp):
    assert format_chapter(seconds) == stamp
