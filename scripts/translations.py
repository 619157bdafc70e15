"""Refresh the Russian catalog from the code, keeping the translations already made.

Run `.venv/bin/python scripts/translations.py` after adding or changing messages, translate the
new entries (empty msgstr) in app/locale/ru/LC_MESSAGES/messages.po, and run
tests/test_translations.py, which fails on any message left untranslated.

Messages are found by Babel's extractors: `_()`, `ngettext()` and `lazy()` in Python and the
templates, `t()` in the scripts (static/js). The keywords differ per language (Python code
has plenty of variables called `t`), which pybabel's command line cannot say, hence this script.
"""

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "app" / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
_JINJA = {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}
SOURCES = [
    ("app", [("**.py", "python")], {}, {**DEFAULT_KEYWORDS, "lazy": None}),
    ("app/templates", [("**.html", "jinja2")], {"**.html": _JINJA}, DEFAULT_KEYWORDS),
    ("static", [("**.js", "javascript")], {}, {"t": None}),
]


def extract() -> Catalog:
    """Every message of the interface, each with the files it appears in."""
    catalog = Catalog(project="sessionnav", charset="utf-8")
    for folder, method_map, options, keywords in SOURCES:
        found = extract_from_dir(
            str(ROOT / folder), method_map, options, keywords, strip_comment_tags=True
        )
        for filename, _line, message, comments, context in found:
            catalog.add(
                message,
                None,
                [(f"{folder}/{filename}", None)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def main() -> None:
    template = extract()
    if PO.exists():
        with PO.open("rb") as po:
            catalog = read_po(po, locale="ru")
    else:
        catalog = Catalog(locale="ru", project="sessionnav", charset="utf-8")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as po:
        write_po(po, catalog, width=100, sort_output=True, include_lineno=False)
    missing = sum(1 for m in catalog if m.id and not m.string)
    print(f"{PO.relative_to(ROOT)}: {len(catalog)} messages, {missing} to translate")


if __name__ == "__main__":
    main()
