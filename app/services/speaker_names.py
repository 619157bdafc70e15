"""Matching a person's name as written in an imported file to a stored speaker.

Files spell names their own way ("Dr Kai Uwe Bindseil", "GRAŽVYDAS MORKUS", "Grazvydas
Morkus"); all of them are the same speaker, so names are compared by their slug, with
academic and courtesy titles left out.
"""

import re

from sqlmodel import Session, col, select

from app.models import Speaker
from app.schemas import SpeakerCreate
from app.services import speakers as speaker_service
from app.services.common import exists
from app.slugs import make_slug, unique_slug

TITLES = re.compile(r"^(?:(?:dr|prof|professor|mr|mrs|ms|sir|dame)\.?\s+)+", re.IGNORECASE)


def name_key(name: str) -> str:
    """The comparable form of a name: case, accents, punctuation and titles ignored."""
    return make_slug(TITLES.sub("", name.strip()))


class SpeakerBook:
    """The stored speakers by name key, creating the missing ones on first use."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_key: dict[str, Speaker] = {}
        for speaker in session.exec(select(Speaker).order_by(col(Speaker.id))):
            self.by_key.setdefault(speaker.slug, speaker)
            self.by_key.setdefault(name_key(speaker.name), speaker)

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
