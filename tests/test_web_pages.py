"""The HTML pages over real HTTP and a real database: they render for the demo, deep links
resolve as PRODUCT §4 says, and unknown things give an HTML 404 page."""

import re

import pytest

ROUND_TABLE = 8400


def _video_src(html: str) -> str:
    return re.search(r'<video[^>]*\ssrc="([^"]+)"', html)[1]


def test_home_lists_the_demo_with_a_search_box(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    assert response.template.name == "home.html"
    assert f'href="/r/{demo}"' in response.text
    assert 'action="/search"' in response.text and 'name="q"' in response.text


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("t=2h20m", "8400"),
        ("t=8400", "8400"),
        ("t=2:20:00", "8400"),
        ("t=npt:2:20:00", "8400"),
        ("t=8400,8460", "8400,8460"),
        ("t=,90s", "0,90"),
        ("t=8400,", "8400"),
        ("t=99999", "24300"),  # clamped to the end
    ],
)
def test_navigator_media_fragment_carries_t(client, demo, query, fragment):
    response = client.get(f"/r/{demo}?{query}")
    assert response.status_code == 200
    assert response.template.name == "navigator.html"
    assert _video_src(response.text).endswith(f"#t={fragment}")


def test_navigator_shows_sessions_breaks_gaps_and_quotes(client, demo):
    response = client.get(f"/r/{demo}?t=2h30m")
    ctx = response.context
    kinds = [(b.kind, b.start, b.end) for b in ctx["blocks"]]
    assert kinds == [
        ("session", 0, 6300),
        ("break", 6300, 8400),
        ("session", 8400, 14635),
        ("break", 14635, 18165),
        ("session", 18165, 23980),
        ("gap", 23980, 24300),
    ]
    assert ctx["current"].slug == "round-table"
    assert len(ctx["items"]) == 8
    assert 'class="block block-gap"' in response.text
    assert response.text.count('class="annotation kind-quote') == 8
    assert "Faina Filina" in response.text


def test_bad_t_opens_at_the_start_with_a_notice(client, demo):
    response = client.get(f"/r/{demo}?t=yesterday")
    assert response.status_code == 200
    assert "Could not read the time “yesterday”" in response.text
    assert _video_src(response.text).endswith("#t=0")


@pytest.mark.parametrize(
    ("t", "opens"), [("9h", "end"), ("99999999999h", "end"), ("9" * 400, "end"), ("60,9e9", None)]
)
def test_past_the_end_is_clamped_with_a_notice(client, demo, t, opens):
    """However large, a well-formed time opens at the end (PRODUCT §4), never at the start."""
    response = client.get(f"/r/{demo}", params={"t": t.replace("9e9", "9" * 30)})
    assert response.status_code == 200
    assert "past the end" in response.text
    moment, duration = response.context["moment"], response.context["recording"].duration
    if opens == "end":
        assert moment.start == pytest.approx(duration, abs=0.001)
    else:  # a range that runs past the end stops at the end
        assert (moment.start, moment.end) == (60, pytest.approx(duration, abs=0.001))


def test_segment_link_t_is_relative_to_the_segment(client, demo):
    response = client.get(f"/r/{demo}/s/round-table?t=12m30s")
    assert response.status_code == 200
    assert _video_src(response.text).endswith("#t=9150")  # 2:32:30
    assert response.context["current"].slug == "round-table"
    assert 'aria-current="true"' in response.text


def test_segment_link_without_t_opens_at_its_start(client, demo):
    response = client.get(f"/r/{demo}/s/panel")
    assert _video_src(response.text).endswith("#t=18165")


def test_break_offers_skip_to_the_next_session(client, demo):
    response = client.get(f"/r/{demo}?t=1h50m")
    assert response.context["next_session"].slug == "round-table"
    assert re.search(r'<p class="skip-break" id="skip-break"\s*>', response.text)


def test_the_filter_form_with_nothing_chosen_shows_everything(client, demo):
    """The form sends every select, empty ones too: "all" is not a speaker named ""."""
    response = client.get(f"/r/{demo}", params={"t": "0", "kind": "", "speaker": "", "tag": ""})
    assert response.status_code == 200
    assert len(response.context["items"]) == 8
    assert "showing" not in response.text


def test_a_speaker_link_spelt_with_accents_leads_to_the_speaker(client, demo):
    response = client.get("/speakers/gra%C5%BEvydas-morkus", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (
        301,
        "/speakers/grazvydas-morkus",
    )
    assert client.get("/speakers/gra%C5%BEvydas-morkus").context["speaker"].name == (
        "Gražvydas Morkus"
    )
    assert client.get("/speakers/nobody-at-all").status_code == 404


def test_filters_work_as_query_parameters(client, demo):
    by_speaker = client.get(f"/r/{demo}?speaker=evgeniy-kutsenko")
    assert len(by_speaker.context["items"]) == 3
    by_tag = client.get(f"/r/{demo}?tag=medicine")
    assert len(by_tag.context["items"]) == 3
    unknown = client.get(f"/r/{demo}?kind=nonsense&speaker=nobody")
    assert unknown.status_code == 200
    assert len(unknown.context["items"]) == 8
    assert "showing all kinds" in unknown.text and "showing everyone" in unknown.text


def test_annotation_permalink_opens_at_its_time_highlighted(client, demo):
    created = client.post(
        f"/api/v1/recordings/{demo}/annotations",
        json={"kind": "note", "start": 8412.5, "end": 8420, "text": "Opening remarks"},
    ).json()
    response = client.get(f"/a/{created['id']}")
    assert response.status_code == 200
    assert _video_src(response.text).endswith("#t=8412.5,8420")
    assert response.context["highlight"] == created["id"]
    assert f'id="annotation-{created["id"]}" class="annotation kind-note highlighted"' in (
        response.text
    )


def test_unplaced_quote_permalink_opens_at_its_session(client, demo):
    quotes = client.get(f"/api/v1/recordings/{demo}/annotations?speaker=faina-filina").json()
    response = client.get(f"/a/{quotes['items'][0]['id']}")
    assert _video_src(response.text).endswith(f"#t={ROUND_TABLE}")
    assert "Place at current time" in response.text


def test_speaker_page_lists_sessions_and_quotes_as_deep_links(client, demo):
    response = client.get("/speakers/mikhail-yugay")
    assert response.status_code == 200
    assert f'href="/r/{demo}/s/plenary"' in response.text
    assert f'href="/r/{demo}/s/panel"' in response.text
    assert len(response.context["items"]) == 2
    assert "Mikhail Yugay (General Director, International Medical Cluster Foundation)" in (
        response.text
    )


def test_embed_page_honours_t(client, demo):
    response = client.get(f"/embed/r/{demo}?t=2h20m,2h21m")
    assert response.status_code == 200
    assert _video_src(response.text).endswith("#t=8400,8460")
    assert "<header" not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/r/no-such-recording",
        "/r/clusters-open-boundaries-2019/s/no-such-segment",
        "/a/999999",
        "/a/not-a-number",
        "/a/99999999999999",
        "/speakers/nobody",
        "/embed/r/nothing",
        "/no/such/page",
    ],
)
def test_unknown_things_give_an_html_404_page(client, demo, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Not found" in response.text


def test_api_errors_stay_json(client, demo):
    response = client.get("/api/v1/recordings/nothing")
    assert response.status_code == 404
    assert response.json()["field"] == "path.recording"


def test_citation_names_speaker_event_recording_time_and_link(client, demo, settings):
    created = client.post(
        f"/api/v1/recordings/{demo}/annotations",
        json={"kind": "quote", "start": 9150, "speaker": "faina-filina", "text": "Cooperate."},
    ).json()
    response = client.get(f"/r/{demo}?t=2h32m30s")
    [item] = [a for a in response.context["items"] if a.id == created["id"]]
    expected = (
        "Faina Filina (Deputy General Director, IMC Foundation): “Cooperate.” "
        "In: Clusters Open Boundaries. Time for Leaders "
        "(St. Petersburg, 16\u2009–\u200917 May 2019), "
        "recording “Clusters Open Boundaries 2019: conference debates”, "
        'Round table "The world\'s biomedical clusters: success factors", at 2:32:30. '
        f"http://testserver/a/{created['id']}"
    )
    assert item.citation == expected
    assert created["citation"] == expected  # the API gives the same citation


def test_filter_menus_name_what_this_recordings_public_annotations_use(
    client, demo, make_recording
):
    other = make_recording("other-day")
    notes = f"/api/v1/recordings/{demo}/annotations"
    client.post(notes, json={"start": 10, "text": "x", "tags": ["alpha"]})
    client.post(notes, json={"start": 20, "text": "y", "tags": ["hidden-one"]})
    hidden = client.get(f"{notes}?tag=hidden-one").json()["items"][0]["id"]
    client.post(f"/api/v1/annotations/{hidden}/hide")
    client.post(f"/api/v1/recordings/{other}/annotations", json={"start": 1, "tags": ["beta"]})
    page = client.get(f"/r/{demo}").text
    tags = re.findall(r'<option value="([^"]+)"', page.split('id="f-tag"')[1].split("</select>")[0])
    assert "alpha" in tags and "beta" not in tags and "hidden-one" not in tags
    speakers = page.split('id="f-speaker"')[1].split("</select>")[0]
    assert "Evgeniy Kutsenko" in speakers  # a demo quote's speaker
    assert "Julia Plaia" not in speakers  # a panelist no annotation names
    filtered = client.get(f"/r/{demo}?speaker=julia-plaia").text  # a link may still name her
    assert '<option value="julia-plaia" selected>Julia Plaia</option>' in filtered
    assert "No speaker" not in filtered


def test_the_annotation_list_is_a_window_near_the_moment(client, anonymous, demo):
    """The page lists WINDOW annotations from a minute before its moment, whatever the
    recording holds; links lead on, and to the whole list from its beginning."""
    from app.web.navigator import WINDOW

    for i in range(WINDOW + 10):  # one every 5 minutes: 0:00:30 … 3:15:30
        body = {"start": 30 + 300 * i, "text": f"Window note {i}"}
        assert client.post(f"/api/v1/recordings/{demo}/annotations", json=body).status_code == 201
    page = anonymous.get(f"/r/{demo}?t=1h")
    listed = re.findall(r"Window note (\d+)<", page.text)
    assert listed == [str(n) for n in range(12, WINDOW + 10)]  # from 0:59:00 to the last
    assert "Annotations from 0:59:00 on." in page.text
    start = re.search(r'<a href="([^"]+)">From the beginning</a>', page.text)[1]
    first = anonymous.get(start.replace("&amp;", "&"))
    assert re.findall(r"Window note (\d+)<", first.text)[:3] == ["0", "1", "2"]
    assert "From the beginning" not in first.text
    more = re.search(r'<a href="([^"]+)">More annotations</a>', first.text)[1]
    after = re.findall(r"Window note (\d+)<", anonymous.get(more.replace("&amp;", "&")).text)
    assert after[0] == str(WINDOW)  # the next window carries on where the first ended
