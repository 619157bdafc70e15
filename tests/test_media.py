"""Media are served with HTTP Range support, and nothing outside the media folder is."""

import httpx2 as httpx
import pytest

VIDEO = "/media/demo/clusters-open-boundaries-2019.mp4"


@pytest.fixture
def video_bytes(settings) -> bytes:
    return (settings.media_dir / "demo" / "clusters-open-boundaries-2019.mp4").read_bytes()


def test_whole_file_advertises_ranges(client, video_bytes):
    response = client.get(VIDEO)
    assert response.status_code == 200
    assert response.headers["content-type"] == "video/mp4"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.content == video_bytes


@pytest.mark.parametrize(
    ("header", "piece"),
    [
        ("bytes=0-99", slice(0, 100)),
        ("bytes=1000000-1000999", slice(1_000_000, 1_001_000)),
        ("bytes=-500", slice(-500, None)),
    ],
)
def test_range_requests_return_206_with_the_right_bytes(client, video_bytes, header, piece):
    response = client.get(VIDEO, headers={"Range": header})
    assert response.status_code == 206
    assert response.content == video_bytes[piece]
    start = piece.start % len(video_bytes)
    end = start + len(response.content) - 1
    assert response.headers["content-range"] == f"bytes {start}-{end}/{len(video_bytes)}"


def test_open_ended_range_runs_to_the_end(client, video_bytes):
    offset = len(video_bytes) - 1234
    response = client.get(VIDEO, headers={"Range": f"bytes={offset}-"})
    assert (response.status_code, response.content) == (206, video_bytes[offset:])


def test_unsatisfiable_range_is_416(client, video_bytes):
    response = client.get(VIDEO, headers={"Range": f"bytes={len(video_bytes) + 10}-"})
    assert response.status_code == 416


@pytest.mark.parametrize(
    "raw_path",
    [
        b"/media/../secret_key",
        b"/media/%2e%2e/secret_key",
        b"/media/demo/..%2f..%2fsecret_key",
        b"/media//etc/passwd",
        b"/media/%2fetc%2fpasswd",
    ],
)
def test_paths_out_of_the_media_folder_are_refused(client, settings, raw_path):
    (settings.data_dir / "secret_key").write_text("top secret")
    url = httpx.URL("http://testserver", raw_path=raw_path)
    response = client.get(url)
    assert response.status_code == 404
    assert b"top secret" not in response.content and b"root:" not in response.content
