"""Write-up import: speakers, roles and direct quotes proposed from an article's text.

News write-ups name people in a few stock ways (``NAME, ROLE of ORG``, ``noted NAME``,
``According to NAME``) and attribute quotes in a few more (``“…”, noted NAME`` /
``NAME, ROLE, agreed that “…”`` / ``… NAME, ROLE: “…”`` / a quote right after another one
by the same person). Regular expressions over sentences catch most of them; everything
found is a draft (`propose` writes nothing) that an editor confirms or corrects before
`apply` stores it. Quoted phrases that nobody is said to have said (titles, terms) are left
out.
"""

import re
from dataclasses import dataclass, field

from sqlmodel import Session, select

from app.errors import Invalid
from app.i18n import _, number
from app.models import Annotation, AnnotationKind, Placement, Recording, Speaker, User
from app.schemas import (
    AnnotationCreate,
    WriteupApplied,
    WriteupApply,
    WriteupProposals,
    WriteupQuote,
    WriteupSpeaker,
)
from app.services import annotations
from app.services import segments as segment_service
from app.services.speaker_names import SpeakerBook, name_key

_UPPER = "".join(c for c in map(chr, range(0x10000)) if c.isupper())  # re has no \p{Lu}
_CAP = rf"[{re.escape(_UPPER)}][\w’'-]+"
NAME = rf"(?:(?:Dr|Prof|Mr|Mrs|Ms)\.?\s+)?{_CAP}(?:\s+{_CAP}){{1,3}}"
VERBS = (
    "noted|notes|said|says|commented|comments|agreed|agrees|added|adds|stressed|stresses|"
    "emphasi[sz]ed|emphasi[sz]es|explained|explains|believed|believes|stated|states|remarked|"
    "observed|argued|argues|insisted|pointed out|recalled|concluded|continued|suggested|"
    "highlighted|underlined|claimed|declared|admitted|warned|replied|answered|thinks|thought|"
    "told|shared|summed up|went on"
)
ROLE_NOUNS = re.compile(
    r"\b(?:head|director|manager|researcher|counsell?or|chair(?:man|woman|person)?|president|"
    r"founder|officer|professor|minister|deputy|secretary|coordinator|analyst|advis[eo]r|"
    r"expert|lead(?:er)?|partner|editor|member|governor|mayor|rector|dean|scientist|engineer|"
    r"consultant|specialist|representative|ambassador|ceo|cto|cfo|coo|chief|executive|fellow|"
    r"lecturer|economist|attach[eé]|owner|principal|curator)\b",
    re.IGNORECASE,
)
_AFFILIATION = re.compile(
    rf"(?P<name>{NAME}),\s+(?P<role>[^,;:()]{{2,80}}?)\s+(?:of|at)\s+(?:the\s+)?"
    r"(?P<org>[^,;:()]{2,200})(?:\s*\((?P<country>[^()]{2,60})\))?"
)
_AFTER_VERB = re.compile(rf"\b(?:{VERBS})\s+(?P<name>{NAME})")
_ACCORDING = re.compile(rf"\bAccording to (?P<name>{NAME})")
# "Head of Research of the X": a department belongs to the role, not to the organisation.
_DEPARTMENT = re.compile(
    r"(?P<dept>(?:research|marketing|sales|communications?|development|strategy|innovation|"
    r"operations|policy|finance|engineering|design|science|technology|data|partnerships|"
    r"programmes|projects|product|business|investments?|education|analytics|legal|"
    r"production|international|external|public)(?:\s+\w+)?)\s+(?:of\s+the|at(?:\s+the)?)\s+",
    re.IGNORECASE,
)
_SECOND_ROLE = re.compile(
    r"\s+and\s+(?P<role>[^,;:()]{2,60}?)\s+(?:of|at)\s+(?:the\s+)?(?P<org>.+)"
)
_QUOTES = re.compile(r"“([^”\n]*)”|„([^“”\n]*)[“”]|«([^»\n]*)»|\"([^\"\n]*)\"")
_ABBREVIATIONS = {"dr", "st", "mr", "mrs", "ms", "prof", "e.g", "i.e", "no", "vs", "etc", "jr"}
MIN_QUOTE_WORDS = 4
MAX_ARTICLE_CHARS = 300_000  # a long feature is ~50,000


@dataclass
class _Person:
    name: str
    role: str = ""
    organisation: str = ""
    country: str = ""
    mentions: list[int] = field(default_factory=list)  # offsets in the text

    @property
    def key(self) -> str:
        return name_key(self.name)


def _masked(text: str) -> str:
    """The text with quoted words blanked (same length), so a name or a full stop inside a
    quote is not read as the article's own; a quote's final punctuation stays visible."""

    def blank(match: re.Match) -> str:
        inner = match[0][1:-1]
        tail = len(inner) - len(inner.rstrip(".!?,"))
        return match[0][0] + "x" * (len(inner) - tail) + inner[len(inner) - tail :] + match[0][-1]

    return _QUOTES.sub(blank, text)


def _sentences(masked: str) -> list[tuple[int, int]]:
    """(start, end) offsets of sentences; abbreviations such as "Dr." do not end one."""
    spans, start = [], 0
    for match in re.finditer(r"[.!?]+[”\"’]?\s+|\n+", masked):
        word = re.search(r"([\w.]+)[.!?]+[”\"’]?\s+$", masked[start : match.end()])
        if match[0].strip() and word and word[1].lower().rstrip(".") in _ABBREVIATIONS:
            continue
        spans.append((start, match.end()))
        start = match.end()
    if start < len(masked):
        spans.append((start, len(masked)))
    return spans


def _find_people(text: str, masked: str, spans: list[tuple[int, int]]) -> dict[str, _Person]:
    """Everyone introduced as `NAME, ROLE of ORG`, after a speech verb, or `According to`."""
    people: dict[str, _Person] = {}
    affiliations = (m for s in spans for m in _AFFILIATION.finditer(masked, *s))
    for match in affiliations:
        if not ROLE_NOUNS.search(match["role"]):
            continue
        person = people.setdefault(name_key(match["name"]), _Person(match["name"]))
        if not person.role:
            org = text[match.start("org") : match.end("org")].strip().rstrip(".").strip()
            role, organisation = match["role"].strip(), org
            if dept := _DEPARTMENT.match(org):
                role, organisation = f"{role} of {dept['dept']}", org[dept.end() :]
            if (second := _SECOND_ROLE.search(org)) and ROLE_NOUNS.search(second["role"]):
                organisation = org[: second.start()]
                role = f"{role}; {second['role'].strip()}"
                organisation = f"{organisation}; {second['org'].strip()}"
            person.role = role[:1].upper() + role[1:]
            person.organisation = organisation
            person.country = (match["country"] or "").strip()
    for pattern in (_AFTER_VERB, _ACCORDING):
        for match in pattern.finditer(masked):
            people.setdefault(name_key(match["name"]), _Person(match["name"]))
    for person in people.values():
        bare = re.sub(r"^(?:Dr|Prof|Mr|Mrs|Ms)\.?\s+", "", person.name)
        surname = re.escape(bare.split()[-1])
        person.mentions = [m.start() for m in re.finditer(rf"\b{surname}\b", masked)]
    return people


def _last_mentioned(people: dict[str, _Person], before: int, after: int = 0) -> _Person | None:
    """The person named last in masked[after:before]."""
    best, best_at = None, -1
    for person in people.values():
        for at in person.mentions:
            if after <= at < before and at > best_at:
                best, best_at = person, at
    return best


def _attribute(
    people: dict[str, _Person], masked: str, span: tuple[int, int], q_start: int, q_end: int
) -> _Person | None:
    """Who is said to have said the quote at masked[q_start:q_end], from its sentence."""
    before, after = masked[span[0] : q_start], masked[q_end : span[1]]
    if match := re.match(rf"\s*[,.]?\s*(?:{VERBS})\s+(?P<name>{NAME})", after):
        return people.get(name_key(match["name"]))
    if re.match(rf"\s*[,.]?\s*(?:he|she)\s+(?:also\s+)?(?:{VERBS})\b", after, re.IGNORECASE):
        return _last_mentioned(people, q_start)
    if re.search(rf"(?:\b(?:{VERBS})(?:\s+that)?\s*[:,]?|:)\s*$", before):
        return _last_mentioned(people, q_start, span[0])
    return None


def _proposals(text: str) -> tuple[dict[str, _Person], list[tuple[str, _Person, str]]]:
    masked = _masked(text)
    spans = _sentences(masked)
    people = _find_people(text, masked, spans)
    quotes: list[tuple[str, _Person, str]] = []
    previous: tuple[int, _Person] | None = None  # (paragraph start, speaker) of the last quote
    for match in _QUOTES.finditer(text):
        words = next(g for g in match.groups() if g is not None).strip().rstrip(",").strip()
        span = next(s for s in spans if s[0] <= match.start() < s[1])
        paragraph = masked.rfind("\n", 0, match.start()) + 1
        speaker = _attribute(people, masked, span, match.start(), match.end())
        opens_sentence = not masked[span[0] : match.start()].strip()
        if speaker is None and previous and previous[0] == paragraph and opens_sentence:
            speaker = previous[1]  # a quote right after another one goes on with its speaker
        if speaker is None or len(words.split()) < MIN_QUOTE_WORDS:
            continue
        previous = (paragraph, speaker)
        evidence = text[span[0] : match.start()] + "“…”" + text[match.end() : span[1]]
        quotes.append((words, speaker, " ".join(evidence.split())[:500]))
    return people, quotes


def propose(session: Session, *, text: str, field: str = "body") -> WriteupProposals:
    """Drafts only: nothing is stored. Speakers already stored are named by their slug."""
    if len(text) > MAX_ARTICLE_CHARS:
        raise Invalid(
            _("an article of over %(max)s characters is not a write-up")
            % {"max": number(MAX_ARTICLE_CHARS)},
            field=field,
        )
    people, quotes = _proposals(text)
    book = SpeakerBook(session)
    speakers = []
    for person in people.values():
        existing = book.find(person.name)
        speakers.append(
            WriteupSpeaker(
                key=person.key,
                name=person.name,
                role=person.role,
                organisation=person.organisation,
                country=person.country,
                existing=existing.slug if existing else None,
            )
        )
    seen: set[tuple[str, str]] = set()
    drafts = []
    for words, speaker, evidence in quotes:
        if (words, speaker.key) not in seen:
            seen.add((words, speaker.key))
            drafts.append(WriteupQuote(text=words, speaker=speaker.key, evidence=evidence))
    return WriteupProposals(speakers=speakers, quotes=drafts)


def apply(
    session: Session, *, recording: Recording, data: WriteupApply, actor: User
) -> WriteupApplied:
    """Store what the editor confirmed: speakers matched by name (their empty fields filled)
    or created, and each quote as an unplaced quote in its session. A quote already stored
    for the same speaker is skipped, so applying twice changes nothing."""
    book = SpeakerBook(session)
    by_key, created, matched = {}, [], []
    for i, item in enumerate(data.speakers):
        if item.key in by_key:
            raise Invalid(
                _("the key %(key)s is used twice") % {"key": repr(item.key)},
                field=f"speakers.{i}.key",
            )
        details = {"role": item.role, "organisation": item.organisation, "country": item.country}
        speaker = book.find(item.name)
        if speaker is None:
            speaker = book.get_or_create(item.name, **details)
            created.append(speaker.slug)
        else:
            for name, value in details.items():
                if value and not getattr(speaker, name):
                    setattr(speaker, name, value)
            session.add(speaker)
            matched.append(speaker.slug)
        by_key[item.key] = speaker
    made, skipped = [], 0
    for i, quote in enumerate(data.quotes):
        speaker = by_key.get(quote.speaker)
        if speaker is None:
            raise Invalid(
                _("no speaker with the key %(key)s in body.speakers")
                % {"key": repr(quote.speaker)},
                field=f"quotes.{i}.speaker",
            )
        segment_service.get(
            session, recording=recording, slug=quote.segment, field=f"quotes.{i}.segment"
        )
        if _stored(session, recording, speaker, quote.text):
            skipped += 1
            continue
        annotation = annotations.create(
            session,
            recording=recording,
            data=AnnotationCreate(
                kind=AnnotationKind.quote,
                placement=Placement.unplaced,
                text=quote.text,
                speaker=speaker.slug,
                segment=quote.segment,
                tags=quote.tags,
                author="write-up import",
            ),
            actor=actor,
        )
        made.append(annotation.id)
    session.flush()
    return WriteupApplied(
        speakers_created=created,
        speakers_matched=matched,
        quotes_created=made,
        quotes_skipped=skipped,
    )


def _stored(session: Session, recording: Recording, speaker: Speaker, text: str) -> bool:
    return (
        session.exec(
            select(Annotation.id)
            .where(
                Annotation.recording_id == recording.id,
                Annotation.speaker_id == speaker.id,
                Annotation.kind == AnnotationKind.quote,
                Annotation.text == text,
            )
            .limit(1)
        ).first()
        is not None
    )
