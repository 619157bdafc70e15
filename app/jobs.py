"""Background jobs on huey, the small task queue (PRODUCT §7).

SESSIONNAV_JOBS_URL chooses the queue's store: empty (the embedded default) keeps it in a
SQLite file in the data folder, and `sessionnav serve` runs the consumer in its own process, so
a laptop starts nothing else; `redis://HOST:6379/0` shares one queue between machines, each
running `sessionnav worker`. The jobs themselves live in the app's database (app.services.
transcription): a message only says "work on job N", so a lost message is re-sent when a
worker starts, and a job whose worker died is queued again (at a worker's start and every
minute), resuming from its last finished chunk. Frame previews (app.services.thumbnails) need
no row: every minute, and at a worker's start, each media file without them gets a task.
"""

import logging
import signal
from collections.abc import Callable
from functools import cached_property

from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

from app.config import Settings
from app.db import Database
from app.models import JobState, Recording
from app.services import access, media, thumbnails, transcriber, transcription

QUEUE = "sessionnav"
QUEUE_FILE = "jobs.sqlite"  # in the data folder, beside the database
log = logging.getLogger(__name__)


def _store(settings: Settings, name: str) -> Huey:
    url = settings.jobs_url
    if not url:
        return SqliteHuey(name, filename=str(settings.data_dir / QUEUE_FILE), results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    raise ValueError(f"SESSIONNAV_JOBS_URL={url!r}: use redis://HOST:PORT/DB, or leave it empty")


class Jobs:
    """The queue and its tasks, for one configuration; `database` is where workers find the
    jobs (made from the settings when not given). Sites sharing a Redis use a database number
    each (redis://HOST:6379/1, /2...), since a message names a job of one site's database."""

    def __init__(
        self, settings: Settings, database: Database | None = None, *, name: str = QUEUE
    ) -> None:
        self.settings = settings
        self._database = database
        self.huey = _store(settings, name)
        self.stopping = lambda: False  # a consumer's stop flag, once one runs
        self._transcribe = self.huey.task(name="transcribe")(self.transcribe)
        self.huey.periodic_task(crontab(), name="recover")(self.recover)
        # Before queued transcripts: a few seconds each, and the page looks better with them.
        self._thumbnails = self.huey.task(name="thumbnails", priority=10)(self.thumbnails)
        self.huey.periodic_task(crontab(), name="previews")(self.queue_thumbnails)

    @cached_property
    def database(self) -> Database:
        if self._database is not None:
            return self._database
        return Database(self.settings.effective_database_url, pool_size=self.settings.db_pool)

    def enqueue(self, job_id: int) -> None:
        """Ask a worker to run the job."""
        self._transcribe(job_id)

    def close(self) -> None:
        self.huey.storage.close()

    def transcribe(self, job_id: int) -> None:
        """The task: run the job if nobody else does; it stops between chunks when the
        consumer is shutting down, and is queued again for the next start."""
        job = transcriber.run(
            self.database, job_id=job_id, settings=self.settings, stop=self.stopping
        )
        if job is not None and job.state is JobState.done:
            with self.database.unit_of_work(write=False) as session:
                recording = session.get(Recording, job.recording_id)
                assert recording is not None  # a foreign key
                found = transcription.proposals(
                    session, recording=recording, viewer=access.OPERATOR
                )
            log.info("job %s: %d unplaced quote(s) have a proposed moment", job_id, len(found))

    def recover(self, queued_too: bool = False) -> list[int]:
        """Queue again the jobs whose worker died (and the queued ones, at a start)."""
        again = transcriber.recover(self.database, queued_too=queued_too)
        for job_id in again:
            self.enqueue(job_id)
        return again

    def thumbnails(self, media_path: str) -> None:
        """The task: make a media file's frame previews, unless they are made already (a
        failure is tried again a minute later, unless the file has no video)."""
        if thumbnails.make(thumbnails.locate(self.settings, media_path)):
            log.info("frame previews made for %s", media_path)

    def queue_thumbnails(self) -> list[str]:
        """Queue a task for each media file that has no frame previews yet, unless one waits."""
        with self.database.unit_of_work(write=False) as session:
            paths = media.referenced_paths(session)
        waiting = {t.args[0] for t in self.huey.pending() if t.name == "thumbnails"}
        wanted = [p for p in thumbnails.pending(self.settings, paths) if p not in waiting]
        for media_path in wanted:
            self._thumbnails(media_path)
        return wanted

    def consumer(self, workers: int = 1) -> Consumer:
        """A consumer with `workers` threads; jobs left by a dead worker are queued first,
        then the frame previews that are missing."""
        self.recover(queued_too=True)
        self.queue_thumbnails()
        consumer = self.huey.create_consumer(workers=workers, max_delay=2.0)
        # Both SIGINT (huey's graceful one) and SIGTERM (what service managers send) stop it
        # after the chunk in hand; a second signal stops at once. (huey makes one of them abrupt.)
        consumer._signal_actions[signal.SIGTERM] = (False, True)
        self.stopping = consumer.stop_flag.is_set
        return consumer

    def run_worker(self, workers: int = 1) -> None:
        """`sessionnav worker`: run jobs until SIGINT or SIGTERM; a job in hand stops after its
        current chunk and is queued again."""
        self.consumer(workers).run()

    def start_in_process(self, workers: int = 1) -> Consumer:
        """Run the consumer's threads inside this process (`serve` on the embedded default).

        The server owns the signals; when it has shut down it passes SIGINT or SIGTERM on to
        the handler that was there before it, which is set here to stop the consumer after
        the chunk in hand (a second signal stops at once) and exit.
        """
        consumer = self.consumer(workers)
        saved = signal.getsignal(signal.SIGHUP)
        consumer.start()
        signal.signal(signal.SIGHUP, saved)

        def stop(number: int, _frame: object) -> None:
            for each in (signal.SIGINT, signal.SIGTERM):
                signal.signal(each, signal.SIG_DFL)
            consumer.stop(graceful=True)
            raise SystemExit(128 + number)

        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, stop)
        return consumer


def enqueuer(settings: Settings) -> Callable[[int], None]:
    """`enqueue(job_id)` for a web request, run once the job is committed: the queue is opened,
    told and closed. A queue that cannot be reached is logged, not the request's failure: the
    job is stored, and a worker sends it again when it starts."""

    def enqueue(job_id: int) -> None:
        try:
            jobs = Jobs(settings)
            try:
                jobs.enqueue(job_id)
            finally:
                jobs.close()
        except Exception:
            log.exception("job %s is stored but could not be queued: a worker's start will", job_id)

    return enqueue
