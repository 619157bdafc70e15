"""Matching a person's name as written in an imported file to a stored speaker.

Files spell names their own way ("Dr Kai Uwe Bindseil", "GRAŽVYDAS MORKUS", "Grazvydas
Morkus", "Евгений Куценко"); all of them are the same speaker, so names are compared by
their key (app.services.speakers.name_key), and a speaker answers to its name, its slug and
each of its aliases.
"""

from sqlmodel import Session, col, select

from app.models import Speaker
from app.schemas import SpeakerCreate
from app.services import speakers as speaker_service
from app.services.common import exists
from app.services.speakers import aliases_of, name_key
from app.slugs import unique_slug


class SpeakerBook:
    """The stored speakers by name key, creating the missing ones on first use. Names and
    slugs come before aliases, so a speaker's own name always finds that speaker."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_key: dict[str, Speaker] = {}
        stored = list(session.exec(select(Speaker).order_by(col(Speaker.id))))
        for speaker in stored:
            self.by_key.setdefault(speaker.slug, speaker)
            self.by_key.setdefault(name_key(speaker.name), speaker)
        for speaker in stored:
            for alias in aliases_of(speaker):
                self.by_key.setdefault(name_key(alias), speaker)

    def find(self, name: str) -> Speaker | None:
        return self.by_key.get(name_key(name))

    def get_or_create(self, name: str, **details: str) -> Speaker:
        """The speaker of that name; a new one gets `details` (role, organisation, country)
        and a slug without titles ("Dr Jane Doe" is /speakers/jane-doe)."""
        speaker = self.find(name)
        if speaker is None:
            slug = unique_slug(name_key(name), lambda s: exists(self.session, Speaker, slug=s))
            speaker = speaker_service.create(
                self.session, data=SpeakerCreate(slug=slug, name=name.strip(), **details)
            )
            self.by_key[name_key(name)] = speaker
        return speaker
