"""The write-up import measured on the 2019 write-up against a hand-made ground truth.

Run by hand: `.venv/bin/python bench/bench_writeup.py [WRITEUP.txt]` (default:
../shared/seed/clusters-open-boundaries-2019.txt). It prints precision and recall for the
speakers found, their roles, and the direct quotes attributed to the right speaker.
Target: at least 11 of 13 speakers with roles, at least 6 quotes attributed correctly.
"""

import sys
import tempfile
from pathlib import Path

from rapidfuzz import fuzz
from sqlmodel import Session

from app.db import get_engine, migrate
from app.services.speaker_names import name_key
from app.services.writeup import propose

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "clusters-open-boundaries-2019.txt"

# PRODUCT.md §2: the 13 speakers and their roles (name -> role, organisation).
SPEAKERS = {
    "Evgeniy Kutsenko": ("Head", "Russian Cluster Observatory"),
    "Mikhail Yugay": ("General Director", "International Medical Cluster Foundation"),
    "Dr Kai Uwe Bindseil": ("Manager", "HealthCapital Berlin-Brandenburg"),
    "Ekaterina Islankina": ("Researcher", "HSE ISSEK Russian Cluster Observatory"),
    "Faina Filina": ("Deputy General Director", "IMC Foundation"),
    "Julia Plaia": ("Communications Manager", "Eurasanté"),
    "Anatoly Sotnikov": (
        "General Director",
        "Innovation Development Agency – Kaluga Region Cluster Development Centre",
    ),
    "Dmitri Chagin": ("Director", "NP “Medical and Pharmaceutical Projects. 21st Century”"),
    "Aleksei Nizkovskiy": ("Director", "Novosibirsk Regional Development Centre"),
    "Gražvydas Morkus": ("Managing Director", "LitCare"),
    "Dr Abdo Malac": ("Science and Technology Counsellor", "French Embassy in Russia"),
    "Ildar Khairullin": ("Deputy General Director", "IMC Foundation"),
    "Maya Sviridova": (
        "Director; Chairman",
        "Autoprom North-West Union; St. Petersburg Cluster Council",
    ),
}

# The write-up's direct quotes (their opening words) and who said them.
QUOTES = [
    ("There are hundreds of clusters in Russia", "Evgeniy Kutsenko"),
    ("The examples of St. Petersburg, Kaluga, Tatarstan", "Evgeniy Kutsenko"),
    ("for a cluster initiative in the medical field", "Mikhail Yugay"),
    ("Regarding regional support for clusters, adequate regulation", "Dr Kai Uwe Bindseil"),
    ("We can see that we reflect most of the success factors", "Faina Filina"),
    ("Inter-regional cooperation can be the next step", "Evgeniy Kutsenko"),
    ("I see medical clusters of the future as a blue ocean", "Mikhail Yugay"),
    ("Foreign investors are looking for strategic industrial partners", "Maya Sviridova"),
]


def same(a: str, b: str) -> bool:
    """Roles and organisations match when they say the same, give or take an article."""
    return fuzz.token_set_ratio(a.lower(), b.lower()) >= 85


def report(label: str, hits: int, proposed: int, truth: int) -> None:
    precision = hits / proposed if proposed else 0.0
    recall = hits / truth if truth else 0.0
    print(f"{label:<24} {hits:>2}/{truth:<2} precision {precision:5.1%}  recall {recall:5.1%}")


def main() -> None:
    text = Path(sys.argv[1] if len(sys.argv) > 1 else SEED).read_text(encoding="utf-8")
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    migrate(url)
    with Session(get_engine(url)) as session:
        proposals = propose(session, text=text)
    truth = {name_key(name): (name, *details) for name, details in SPEAKERS.items()}
    found = {s.key: s for s in proposals.speakers}
    names = [k for k in found if k in truth]
    roles = [k for k in names if same(found[k].role, truth[k][1])]
    organisations = [k for k in names if same(found[k].organisation, truth[k][2])]
    for key, (name, role, organisation) in truth.items():
        got = found.get(key)
        shown = f"{got.role} | {got.organisation}" if got else "NOT FOUND"
        mark = "ok " if key in roles else "-- "
        print(f"{mark}{name:<22} {shown}  (truth: {role} | {organisation})")
    attributed = 0
    for quote in proposals.quotes:
        expected = next((who for start, who in QUOTES if quote.text.startswith(start)), None)
        correct = expected is not None and name_key(expected) == quote.speaker
        attributed += correct
        print(f"{'ok ' if correct else '-- '}{quote.speaker:<20} “{quote.text[:60]}…”")
    print()
    report("speakers", len(names), len(found), len(truth))
    report("speakers with roles", len(roles), len(found), len(truth))
    report("organisations", len(organisations), len(found), len(truth))
    report("quotes attributed", attributed, len(proposals.quotes), len(QUOTES))


if __name__ == "__main__":
    main()
