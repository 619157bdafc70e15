"""The `sessionnav` command. Every command is documented in README.md (a test checks that)."""

import argparse
import getpass
import json
import logging
import socket
import sys
from pathlib import Path

from sqlalchemy.exc import OperationalError

from app import links
from app.config import Settings, get_settings
from app.db import Database, migrate
from app.errors import Conflict, DomainError
from app.jobs import Jobs
from app.models import JobState, Role
from app.schemas import WriteupApply
from app.services import (
    access,
    accounts,
    events,
    media,
    programme,
    recordings,
    transcriber,
    transcription,
    transcripts,
    writeup,
)
from app.services.demo import load_demo
from app.services.exports import event_json
from app.services.subtitles import TranscriptFormat
from app.textfiles import decode
from app.timecodes import format_time


def _database(settings: Settings) -> Database:
    """The migrated database, or a one-line message with the fix when it cannot be reached."""
    url = settings.effective_database_url
    try:
        migrate(url)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        fix = ""
        if "does not exist" in reason and url.startswith("postgresql"):
            name = url.rsplit("/", 1)[-1].split("?")[0]
            fix = f"; create it with: createdb -h HOST -U USER {name}"
        sys.exit(f"error: cannot open the database ({reason}){fix}")
    return Database(url, pool_size=settings.db_pool)


def cmd_migrate(_args: argparse.Namespace) -> None:
    """Apply the database migrations up to the newest revision."""
    _database(get_settings())
    print("database is at the newest revision")


def cmd_demo(_args: argparse.Namespace) -> None:
    """Load the demo event (and render its placeholder video) unless it is already there."""
    settings = get_settings()
    with _database(settings).unit_of_work() as session:
        loaded = load_demo(session, media_dir=settings.media_dir)
    print("demo event loaded" if loaded else "demo event already present")


def prepare(settings: Settings, address: str = "") -> None:
    """What `serve` does before it answers: migrate, remove what a killed process left in the
    media folder (app.services.media.sweep), load the demo into an empty database, and on an
    install without accounts make the first admin, whose one-time password is shown once."""
    with _database(settings).unit_of_work() as session:
        removed = media.sweep(settings.media_dir, media.referenced_paths(session))
        if settings.demo and not events.any_event(session):
            load_demo(session, media_dir=settings.media_dir)
        password = accounts.first_admin(session)
    if removed:
        print(f"removed {len(removed)} unfinished or orphaned upload(s) from the media folder")
    if password:
        print(
            f"\nA first account was made. Sign in at {address}/login as\n"
            f"    username: admin\n    one-time password: {password}\n"
            "and choose your own password there. This is shown only once.\n",
            flush=True,
        )


def cmd_serve(args: argparse.Namespace) -> None:
    """Migrate, tidy the media folder, load the demo into an empty database, then serve; on
    the embedded job queue (SESSIONNAV_JOBS_URL empty) the jobs run in this process too."""
    import uvicorn

    settings = get_settings()
    address = f"http://{args.host}:{args.port}"
    prepare(settings, address)
    consumer = None if settings.jobs_url else _jobs(settings).start_in_process()
    print(f"Session Navigator on {address}/", flush=True)
    try:
        if args.workers > 1:
            from uvicorn.supervisors import Multiprocess

            # uvicorn kills a worker that is not ready, or does not answer its ping, within
            # 5 s: on a busy machine starting the app takes longer, and the workers were
            # killed and started again for minutes (bench/bench_page.py saw it at load 6).
            config = uvicorn.Config(
                "app.main:app",
                host=args.host,
                port=args.port,
                workers=args.workers,
                timeout_worker_healthcheck=60,
            )
            # uvicorn binds the workers' shared socket with protocol 0, so asyncio leaves Nagle's
            # algorithm on for the connections it accepts (a keep-alive client got 23 req/s, not
            # 731); Linux hands the listening socket's TCP_NODELAY to each accepted connection.
            listening = config.bind_socket()
            listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            Multiprocess(config, sockets=[listening]).run()
        else:
            uvicorn.run("app.main:app", host=args.host, port=args.port)
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)  # a job in hand stops after its current chunk


def _jobs(settings: Settings, database: Database | None = None) -> Jobs:
    try:
        return Jobs(settings, database)
    except ValueError as exc:  # a mistyped SESSIONNAV_JOBS_URL
        sys.exit(f"error: {exc}")


def cmd_worker(args: argparse.Namespace) -> None:
    """Run background jobs (machine transcripts) until stopped; several may run at once."""
    settings = get_settings()
    jobs = _jobs(settings, _database(settings))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    print(f"working on jobs with {args.workers} thread(s); Ctrl-C stops", flush=True)
    jobs.run_worker(args.workers)


def cmd_transcribe(args: argparse.Namespace) -> None:
    """Make a machine transcript of a recording here and now, with a progress bar; run again
    after an interruption, it resumes from its last finished chunk."""
    from tqdm import tqdm

    settings = get_settings()
    if args.model:
        settings = settings.model_copy(update={"asr_model": Path(args.model)})
    database = _database(settings)
    with database.unit_of_work() as session:
        recording = recordings.get(session, slug=args.recording, viewer=access.OPERATOR)
        job = transcription.current(session, recording=recording, active=True)
        if job is None:
            job = transcription.start(
                session,
                recording=recording,
                language=args.language,
                settings=settings,
                user=None,
                chunk_seconds=args.chunk_seconds,
            )
        elif args.language and args.language != job.language:
            raise Conflict(
                f"job {job.id} ({job.language}) is unfinished: cancel it on the import page first"
            )
        elif not transcriber.take_back(session, job=job):
            raise Conflict(
                f"job {job.id} is being run by {job.worker}; `sessionnav jobs` shows its progress"
            )
    if job.done_seconds:
        print(f"resuming job {job.id} at {format_time(job.done_seconds)}", flush=True)
    bar = tqdm(
        total=job.duration,
        initial=job.done_seconds,
        desc=f"{recording.slug} ({job.language})",
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s of audio "
        "[{elapsed}<{remaining}]",
    )
    assert job.id is not None  # a stored job
    with bar:
        done = transcriber.run(
            database,
            job_id=job.id,
            settings=settings,
            on_chunk=lambda j: bar.update(j.done_seconds - bar.n),
        )
    if done is None:
        sys.exit("error: another process took the job; `sessionnav jobs` shows its progress")
    if done.state is not JobState.done:
        sys.exit(f"error: the job is {done.state.value}{f': {done.error}' if done.error else ''}")
    with database.unit_of_work(write=False) as session:
        cues = transcripts.count(session, recording=recording, language=done.language)
        print(f"{cues} cues ({done.language}) stored, made by {done.model}")
        for found in transcription.proposals(session, recording=recording, viewer=access.OPERATOR):
            p = found.proposal
            print(
                f"quote {p.annotation} may be at {p.start_tc} to {p.end_tc} "
                f"(confidence {p.confidence}): accept it at {links.placement_url(p.annotation)}"
            )


def cmd_jobs(_args: argparse.Namespace) -> None:
    """Background jobs: the unfinished ones with their progress and ETA, then the latest."""
    with _database(get_settings()).unit_of_work(write=False) as session:
        for job in transcription.recent(session):
            shown = transcription.status(session, job)
            eta = f", {shown.eta_tc} left" if shown.eta_tc else ""
            where = f" on {job.worker}" if job.worker else ""
            print(
                f"{shown.id:>5}  {shown.recording:<24} {shown.language:<6} {shown.state.value:<9} "
                f"{shown.percent:>3} % ({shown.done_tc} of {shown.duration_tc}{eta}){where}  "
                f"{shown.model}{f'  {shown.error}' if shown.error else ''}"
            )


def cmd_import(args: argparse.Namespace) -> None:
    """Import a transcript, a programme or a write-up into a recording (all or nothing)."""
    settings = get_settings()
    database = _database(settings)
    try:
        text = decode(Path(args.file).read_bytes(), field="file")
        with database.unit_of_work() as session:
            recording = recordings.get(session, slug=args.recording, viewer=access.OPERATOR)
            print(IMPORTERS[args.kind](session, recording, text, args))
    except DomainError as exc:
        sys.exit(f"error: {args.file}: {exc.message}")


def _import_transcript(session, recording, text, args) -> str:
    result = transcripts.import_transcript(
        session,
        recording=recording,
        text=text,
        format=args.format,
        language=args.language,
        field="file",
        progress=True,
    )
    report = f"{result.cues} cues ({result.language}) stored"
    if result.speakers_created:
        report += f"; new speakers: {', '.join(result.speakers_created)}"
    return report


def _import_programme(session, recording, text, args) -> str:
    preview = programme.preview(session, recording=recording, text=text)
    if not args.dry_run:
        preview = programme.apply(session, recording=recording, preview=preview, field="file")
    lines = [f"{s.start_tc} to {s.end_tc}  {s.kind.value:<11} {s.title}" for s in preview.segments]
    lines += [f"line {p.line}: {p.message}" for p in preview.problems]
    lines.append("stored" if preview.stored else "nothing stored (dry run)")
    return "\n".join(lines)


def _import_writeup(session, recording, text, args) -> str:
    """Without --apply: print the proposals as JSON for an editor to correct; with it, FILE
    is that corrected JSON (speakers, and quotes with their segment) and is stored."""
    if not args.apply:
        return writeup.propose(session, text=text, field="file").model_dump_json(indent=2)
    try:
        data = WriteupApply.model_validate(json.loads(text))
    except ValueError as exc:
        raise DomainError(f"not the JSON of confirmed proposals: {exc}") from None
    actor = accounts.require(accounts.get(session, username=args.as_user), Role.editor)
    result = writeup.apply(session, recording=recording, data=data, actor=actor)
    return result.model_dump_json(indent=2)


def cmd_import_event(args: argparse.Namespace) -> None:
    """Import a whole event from its JSON export (all or nothing), with a progress bar."""
    database = _database(get_settings())
    try:
        document = event_json.parse(decode(Path(args.file).read_bytes(), field="file"))
        with database.unit_of_work() as session:
            actor = accounts.require(accounts.get(session, username=args.as_user), Role.editor)
            done = event_json.import_event(session, document=document, actor=actor, progress=True)
    except DomainError as exc:
        sys.exit(f"error: {args.file}: {exc.message}")
    print(
        f"event {done.event!r}: {done.recordings} recordings, {done.segments} segments, "
        f"{done.annotations} annotations, {done.cues} cues, {done.turns} turns stored"
    )
    if done.speakers_created:
        print(f"new speakers: {', '.join(done.speakers_created)}")
    if done.unknown_owners:
        print(
            f"unknown accounts (their annotations are {actor.username}'s now): "
            + ", ".join(done.unknown_owners)
        )


def cmd_export(args: argparse.Namespace) -> None:
    """Write a whole event as JSON to standard output (`sessionnav export EVENT > file.json`)."""
    with _database(get_settings()).unit_of_work(write=False) as session:
        for piece in event_json.export(session, event=events.get(session, slug=args.event)):
            sys.stdout.write(piece)


IMPORTERS = {
    "transcript": _import_transcript,
    "programme": _import_programme,
    "writeup": _import_writeup,
}


def _password(args: argparse.Namespace) -> str:
    """From standard input (--password-stdin, for scripts) or asked twice at a prompt."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise DomainError("the two passwords differ")
    return first


def cmd_user(args: argparse.Namespace) -> None:
    """Create an account with a role, or list the accounts."""
    with _database(get_settings()).unit_of_work() as session:
        if args.action == "list":
            for user in accounts.everyone(session):
                state = " (disabled)" if user.disabled else ""
                print(f"{user.username:<24} {user.role.value:<8} {user.display_name}{state}")
            return
        user = accounts.create_user(
            session,
            username=args.username,
            password=_password(args),
            role=Role(args.role),
            display_name=args.name or "",
        )
        print(f"account {user.username!r} ({user.role.value}) created")


def cmd_token(args: argparse.Namespace) -> None:
    """Create an API token (printed once), list an account's tokens, or revoke one."""
    with _database(get_settings()).unit_of_work() as session:
        if args.action == "revoke":
            token = accounts.revoke_token(session, token_id=args.id, by=None)
            print(f"token {token.id} ({token.prefix}...) revoked")
            return
        user = accounts.get(session, username=args.username)
        if args.action == "list":
            for token in accounts.tokens_of(session, user=user):
                state = "revoked" if token.revoked_at else "active"
                print(f"{token.id:>6}  {token.prefix}...  {state:<8} {token.name}")
            return
        token, secret = accounts.create_token(session, user=user, name=args.name or "")
        print(f"token {token.id} for {user.username}; send it as 'Authorization: Bearer TOKEN':")
        print(secret)


IMPORT_AS_HELP = "the editor the import is stored by; unknown owners' annotations become theirs"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sessionnav", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help=cmd_serve.__doc__)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)
    commands.add_parser("migrate", help=cmd_migrate.__doc__).set_defaults(func=cmd_migrate)
    worker = commands.add_parser("worker", help=cmd_worker.__doc__)
    worker.add_argument("--workers", type=int, default=1, help="jobs run at once (threads)")
    worker.set_defaults(func=cmd_worker)
    transcribe = commands.add_parser("transcribe", help=cmd_transcribe.__doc__)
    transcribe.add_argument("recording", help="the recording's slug")
    transcribe.add_argument("--language", help="BCP 47 tag; the recording's language by default")
    transcribe.add_argument(
        "--model", help="a CTranslate2 Whisper model folder (SESSIONNAV_ASR_MODEL)"
    )
    transcribe.add_argument(
        "--chunk-seconds",
        type=float,
        default=transcription.CHUNK_SECONDS,
        help="seconds of audio between checkpoints",
    )
    transcribe.set_defaults(func=cmd_transcribe)
    commands.add_parser("jobs", help=cmd_jobs.__doc__).set_defaults(func=cmd_jobs)
    commands.add_parser("demo", help=cmd_demo.__doc__).set_defaults(func=cmd_demo)
    importing = commands.add_parser("import", help=cmd_import.__doc__)
    kinds = importing.add_subparsers(dest="kind", required=True)
    for kind, help in (
        ("transcript", "a WebVTT or SRT transcript (replaces the one in its language)"),
        ("programme", "programme lines or a YouTube chapter list, as segments"),
        ("writeup", "an article: speakers and quotes proposed, or applied with --apply"),
    ):
        sub = kinds.add_parser(kind, help=help)
        sub.add_argument("recording", help="the recording's slug")
        sub.add_argument("file", help="the file to import (UTF-8 text)")
        sub.set_defaults(func=cmd_import)
    event = kinds.add_parser("event", help="a whole event from its JSON export (a new event)")
    event.add_argument("file", help="the JSON file `sessionnav export` wrote")
    event.add_argument("--as", dest="as_user", default="admin", help=IMPORT_AS_HELP)
    event.set_defaults(func=cmd_import_event)
    exporting = commands.add_parser("export", help=cmd_export.__doc__)
    exporting.add_argument("event", help="the event's slug")
    exporting.set_defaults(func=cmd_export)
    kinds.choices["transcript"].add_argument(
        "--format", type=TranscriptFormat, choices=list(TranscriptFormat)
    )
    kinds.choices["transcript"].add_argument("--language", help="BCP 47 tag")
    kinds.choices["programme"].add_argument("--dry-run", action="store_true")
    kinds.choices["writeup"].add_argument("--apply", action="store_true")
    kinds.choices["writeup"].add_argument(
        "--as", dest="as_user", default="admin", help="the editor the quotes are stored by"
    )
    users = commands.add_parser("user", help=cmd_user.__doc__).add_subparsers(
        dest="action", required=True
    )
    create = users.add_parser("create", help="a new account; the password is asked for")
    create.add_argument("username")
    create.add_argument("--role", choices=[r.value for r in Role], default=Role.member.value)
    create.add_argument("--name", help="the name shown on the account's annotations")
    create.add_argument("--password-stdin", action="store_true", help="read it from stdin")
    users.add_parser("list", help="every account with its role")
    users.choices["create"].set_defaults(func=cmd_user)
    users.choices["list"].set_defaults(func=cmd_user)
    tokens = commands.add_parser("token", help=cmd_token.__doc__).add_subparsers(
        dest="action", required=True
    )
    made = tokens.add_parser("create", help="a new API token for an account, printed once")
    made.add_argument("username")
    made.add_argument("--name", help="what the token is for")
    tokens.add_parser("list", help="an account's tokens").add_argument("username")
    tokens.add_parser("revoke", help="revoke a token by its number").add_argument("id", type=int)
    for action in tokens.choices.values():
        action.set_defaults(func=cmd_token)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except DomainError as exc:
        sys.exit(f"error: {exc.message}")


if __name__ == "__main__":
    main(sys.argv[1:])
