"""The transcript on the navigator page: a server-rendered window of cues around `t`, each a
link to its second, the playing cue marked, a <track> for captions, user text escaped."""

import re

from app import links
from app.web import navigator


def test_without_a_transcript_the_page_offers_the_import(client, demo):
    page = client.get(f"/r/{demo}")
    assert "No transcript yet" in page.text
    assert f'href="/r/{demo}/import"' in page.text
    assert "<track" not in page.text
    assert page.context["page_data"]["transcript"] is None


def test_cues_around_t_link_to_their_second_and_the_playing_one_is_marked(client, transcribed):
    page = client.get(f"/r/{transcribed}?t=8421")
    assert page.status_code == 200
    current = re.search(
        r'<li id="cue-(\d+)" data-start="([\d.]+)"[^>]*aria-current="true"', page.text
    )
    assert current and float(current[2]) == 8420
    assert 'data-start="8420.0" data-end="8422.0"' in page.text
    assert f'<a href="/r/{transcribed}?t=2h20m20s">' in page.text
    assert '<b class="who">Faina Filina</b>' in page.text
    assert '<b class="who">Ada Lovelace</b>' in page.text  # created by the import
    cues = page.context["transcript"].cues
    assert cues[navigator.CUES_BEFORE - 1].start == 8420  # the window opens 10 cues before
    assert page.context["page_data"]["transcript"] == {"language": "en"}


def test_the_video_gets_a_captions_track(client, transcribed):
    page = client.get(f"/r/{transcribed}")
    assert re.search(
        rf'<track kind="captions" src="/r/{transcribed}/transcript.vtt\?language=en" '
        r'srclang="en" label="English">',
        page.text,
    )
    assert client.get(f"/r/{transcribed}/transcript.vtt").status_code == 200


def test_markup_in_a_cue_is_shown_as_text(client, transcribed):
    page = client.get(f"/r/{transcribed}?t=8430")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; is not a cluster policy" in page.text
    assert "<script>alert(1)" not in page.text


def test_a_long_transcript_is_windowed_with_earlier_and_later_links(client, demo):
    cues = "".join(
        f"\n\n{s // 3600:02}:{s // 60 % 60:02}:{s % 60:02}.000 --> "
        f"{s // 3600:02}:{s // 60 % 60:02}:{s % 60:02}.900\nCue {s}"
        for s in range(1000, 1500)
    )
    assert client.post(f"/api/v1/recordings/{demo}/transcript", content="WEBVTT" + cues).is_success
    page = client.get(f"/r/{demo}?t=1200.5")
    shown = [c.start for c in page.context["transcript"].cues]
    assert len(shown) == navigator.CUES_BEFORE + navigator.CUES_AFTER
    assert shown[0] == 1200 - navigator.CUES_BEFORE + 1 and shown[-1] == 1200 + navigator.CUES_AFTER
    window = page.context["transcript"]
    assert f'href="{links.recording_url(demo, window.earlier)}#transcript"' in page.text
    assert f'href="{links.recording_url(demo, window.later)}#transcript"' in page.text
    first = client.get(f"/r/{demo}?t=0").context["transcript"]
    assert first.earlier is None and first.cues[0].start == 1000
