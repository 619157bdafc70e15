"""The `sessionnav import` commands: the same imports as the API, from files."""

import json

import pytest

from app.cli import main
from app.config import get_settings

PROGRAMME = "0:00 to 1:00:00 – the opening plenary;\n1:10:00 to 1:50:00 – a panel on ports.\n"
ARTICLE = (
    "“Ports are the oldest clusters we have, and they still teach us”, noted Jane Holloway, "
    "Director of the Institute for Maritime Studies.\n"
)
# The command opens its own connections, so what the test stores must be committed.
pytestmark = pytest.mark.live
VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Jane Holloway>Welcome to the port.\n"


@pytest.fixture
def cli(make_recording, settings, monkeypatch, tmp_path):
    """Run `sessionnav` against the test database; returns a function giving its output."""
    monkeypatch.setenv("DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("SESSIONNAV_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    make_recording("port")

    def run(*argv: str, text: str | None = None) -> None:
        if text is not None:
            (tmp_path / "input.txt").write_text(text, encoding="utf-8")
        main(list(argv))

    yield run
    get_settings.cache_clear()


def test_import_transcript_stores_cues_and_speakers(cli, client, capsys, tmp_path):
    cli("import", "transcript", "port", str(tmp_path / "input.txt"), "--language", "en", text=VTT)
    assert "1 cues (en) stored; new speakers: jane-holloway" in capsys.readouterr().out
    cues = client.get("/api/v1/recordings/port/transcript").json()["items"]
    assert [(c["text"], c["speaker"]) for c in cues] == [("Welcome to the port.", "jane-holloway")]


def test_import_programme_previews_then_stores(cli, client, capsys, tmp_path):
    path = str(tmp_path / "input.txt")
    cli("import", "programme", "port", path, "--dry-run", text=PROGRAMME)
    assert "nothing stored (dry run)" in capsys.readouterr().out
    assert client.get("/api/v1/recordings/port/segments").json()["items"] == []
    cli("import", "programme", "port", path)
    out = capsys.readouterr().out
    assert "1:10:00 to 1:50:00  panel       A panel on ports" in out and "stored" in out
    assert len(client.get("/api/v1/recordings/port/segments").json()["items"]) == 2


def test_import_writeup_proposes_json_that_applies_once_edited(cli, client, capsys, tmp_path):
    cli("import", "programme", "port", str(tmp_path / "input.txt"), text=PROGRAMME)
    capsys.readouterr()
    cli("import", "writeup", "port", str(tmp_path / "input.txt"), text=ARTICLE)
    proposals = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in proposals["speakers"]] == ["Jane Holloway"]
    confirmed = {
        "speakers": [{k: s[k] for k in ("key", "name", "role", "organisation")}
                     for s in proposals["speakers"]],
        "quotes": [{"text": q["text"], "speaker": q["speaker"], "segment": "opening-plenary"}
                   for q in proposals["quotes"]],
    }  # fmt: skip
    path = tmp_path / "confirmed.json"
    path.write_text(json.dumps(confirmed))
    cli("import", "writeup", "port", str(path), "--apply")
    assert len(json.loads(capsys.readouterr().out)["quotes_created"]) == 1
    quotes = client.get("/api/v1/recordings/port/annotations?kind=quote").json()["items"]
    assert [q["speaker"]["slug"] for q in quotes] == ["jane-holloway"]


@pytest.mark.parametrize(
    ("argv", "text", "message"),
    [
        (("transcript",), "WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nx\n", "line 3: the cue ends"),
        (("transcript", "--language", "not a tag"), VTT, "not a language tag"),
        (("programme",), "0:00 to 3:00:00 – too long", "line 1: ends at 3:00:00, past"),
        (("writeup", "--apply"), "{not json", "not the JSON of confirmed proposals"),
    ],
)
def test_a_bad_file_exits_with_the_reason_and_stores_nothing(
    cli, client, tmp_path, argv, text, message
):
    kind, *options = argv
    with pytest.raises(SystemExit) as exit:
        cli("import", kind, "port", str(tmp_path / "input.txt"), *options, text=text)
    assert message in str(exit.value.code)
    assert client.get("/api/v1/recordings/port/transcript").json()["items"] == []
    assert client.get("/api/v1/recordings/port/segments").json()["items"] == []


def test_an_unknown_recording_is_named(cli, tmp_path):
    with pytest.raises(SystemExit, match="no recording 'nope'"):
        cli("import", "programme", "nope", str(tmp_path / "input.txt"), text=PROGRAMME)
