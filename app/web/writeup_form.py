"""The write-up proposals as an editable form: one row per proposed speaker and quote, each
with a checkbox, and the posted rows read back into what `writeup.apply` stores.

Rows are numbered fields (`s-0-name`, `q-3-segment`, ...) so the form needs no script; the
same rows re-render after a refusal, keeping every correction the editor made."""

from dataclasses import dataclass

from pydantic import ValidationError
from starlette.datastructures import FormData

from app.errors import Invalid, sentence
from app.i18n import _
from app.schemas import WriteupApply, WriteupProposals

MAX_ROWS = 2000  # as many quotes as WriteupApply takes
SPEAKER_FIELDS = ("key", "name", "role", "organisation", "country", "existing")
QUOTE_FIELDS = ("text", "speaker", "segment", "tags", "evidence")


@dataclass
class SpeakerRow:
    key: str
    name: str
    role: str = ""
    organisation: str = ""
    country: str = ""
    existing: str = ""  # slug of the stored speaker of that name
    use: bool = True


@dataclass
class QuoteRow:
    text: str
    speaker: str  # a SpeakerRow key
    segment: str = ""
    tags: str = ""
    evidence: str = ""
    use: bool = True


def rows_from_proposals(proposals: WriteupProposals) -> tuple[list[SpeakerRow], list[QuoteRow]]:
    speakers = [
        SpeakerRow(s.key, s.name, s.role, s.organisation, s.country, s.existing or "")
        for s in proposals.speakers
    ]
    quotes = [QuoteRow(q.text, q.speaker, evidence=q.evidence) for q in proposals.quotes]
    return speakers, quotes


def _rows(form: FormData, prefix: str, names: tuple[str, ...]) -> list[dict]:
    rows = []
    for i in range(MAX_ROWS):
        if f"{prefix}-{i}-{names[0]}" not in form:
            break
        row = {name: str(form.get(f"{prefix}-{i}-{name}", "")) for name in names}
        rows.append(row | {"use": f"{prefix}-{i}-use" in form})
    return rows


def rows_from_form(form: FormData) -> tuple[list[SpeakerRow], list[QuoteRow]]:
    return (
        [SpeakerRow(**row) for row in _rows(form, "s", SPEAKER_FIELDS)],
        [QuoteRow(**row) for row in _rows(form, "q", QUOTE_FIELDS)],
    )


def confirmed(speakers: list[SpeakerRow], quotes: list[QuoteRow]) -> WriteupApply:
    """What the editor ticked, checked; Invalid names the row at fault as the page numbers it."""
    chosen = [(n, s) for n, s in enumerate(speakers, start=1) if s.use]
    picked = [(n, q) for n, q in enumerate(quotes, start=1) if q.use]
    if not chosen and not picked:
        raise Invalid(_("tick at least one speaker or quote to store"), field="form.use")
    keys = {s.key for _, s in chosen}
    for n, quote in picked:
        if quote.speaker not in keys:
            message = _("quote %(number)s: tick its speaker too, or choose another")
            raise Invalid(message % {"number": n}, field="form.q")
        if not quote.segment:
            message = _("quote %(number)s: choose the session it was said in")
            raise Invalid(message % {"number": n}, field="form.q")
    try:
        return WriteupApply(
            speakers=[{k: getattr(s, k) for k in SPEAKER_FIELDS[:-1]} for _, s in chosen],
            quotes=[
                {
                    "text": q.text,
                    "speaker": q.speaker,
                    "segment": q.segment,
                    "tags": [t.strip() for t in q.tags.split(",") if t.strip()],
                }
                for _, q in picked
            ],
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        loc, where = error["loc"], ".".join(map(str, error["loc"]))
        if len(loc) > 1 and isinstance(loc[1], int):  # the row as the page numbers it
            number = {"number": (chosen if loc[0] == "speakers" else picked)[loc[1]][0]}
            row = _("speaker %(number)s") if loc[0] == "speakers" else _("quote %(number)s")
            where = row % number + "".join(f" ({p})" for p in loc[2:3])
        raise Invalid(f"{where}: {sentence(error)}", field="form") from None
