"""The `sessionnav` command. Every command is documented in README.md (a test checks that)."""

import argparse
import sys

from sqlmodel import select

from app.config import get_settings
from app.db import get_engine, migrate, session_scope
from app.demo import load_demo
from app.models import Event


def cmd_migrate(_args: argparse.Namespace) -> None:
    """Apply the database migrations up to the newest revision."""
    migrate(get_settings().effective_database_url)
    print("database is at the newest revision")


def cmd_demo(_args: argparse.Namespace) -> None:
    """Load the demo event (and render its placeholder video) unless it is already there."""
    settings = get_settings()
    migrate(settings.effective_database_url)
    for session in session_scope(get_engine(settings.effective_database_url)):
        loaded = load_demo(session, media_dir=settings.media_dir)
    print("demo event loaded" if loaded else "demo event already present")


def cmd_serve(args: argparse.Namespace) -> None:
    """Migrate, load the demo into an empty database, then serve app.main:app."""
    import uvicorn

    settings = get_settings()
    migrate(settings.effective_database_url)
    if settings.demo:
        for session in session_scope(get_engine(settings.effective_database_url)):
            if session.exec(select(Event.id).limit(1)).first() is None:
                load_demo(session, media_dir=settings.media_dir)
    print(f"Session Navigator on http://{args.host}:{args.port}/", flush=True)
    uvicorn.run("app.main:app", host=args.host, port=args.port, workers=args.workers)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sessionnav", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help=cmd_serve.__doc__)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)
    commands.add_parser("migrate", help=cmd_migrate.__doc__).set_defaults(func=cmd_migrate)
    commands.add_parser("demo", help=cmd_demo.__doc__).set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main(sys.argv[1:])
