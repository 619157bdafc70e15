"""Streamed answers (the IIIF manifest, the event export) go out in pieces, not tokens."""

from app.textfiles import in_pieces


def test_streamed_exports_are_written_in_pieces_not_tokens():
    """A manifest of 10,000 annotations is ~400,000 JSON tokens: one network write each took
    over two minutes (bench/bench_exports.py); in_pieces joins them into 64 K pieces."""
    tokens = [f"token {i}," for i in range(100_000)]
    pieces = list(in_pieces(tokens))
    assert "".join(pieces) == "".join(tokens)
    assert len(pieces) == 19 and all(len(p) >= 64 * 1024 for p in pieces[:-1])
