"""search that understands word forms: English and Russian stemming on both databases

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 22:00:00

"cluster" finds "clusters" and "кластер" finds "кластеров": words are indexed, and searched
for, by their Snowball stems, Russian for a word with a Cyrillic letter, English for one of
Latin letters (accents folded first), words with digits and other scripts as they are.

PostgreSQL: a text search configuration ``fts_stemmed``, a copy of the built-in ``russian``
(whose ASCII words go to the English stemmer and other words to the Russian one), but with
Snowball dictionaries of our own that keep stop words: "the" and "and" stay searchable, as
before and as on SQLite. Accents are folded from the text before it is parsed
(``fts_unaccent``, an IMMUTABLE wrapper of unaccent, or the identity when 0002 could not
install unaccent), so "Gražvydas" becomes an ASCII word stemmed like "Grazvydas". The stored
vectors of 0003/0005 are made again over this configuration. 0002's ``fts_config`` (words
folded, not stemmed) stays: snippets use it to mark a word written with accents, which
ts_headline reads unfolded (app.services.search_sql).

SQLite: FTS5 has no Russian stemmer, so the triggers of 0002/0005 now index
``fts_stem(column)``, a Python function (app.stemming, registered on every connection by
app.db) that replaces each word by its stem and keeps everything between words. The FTS5
tables stay external-content tables over the original text: a hit's position in the stemmed
text is its position in the original, so snippet() still cuts and marks the original text.
The index of stems is written here (never with 'rebuild', which would index the original
text); if the stemming rules ever change, a new migration must write it again like this one.
Everything is named ``fts_*`` so autogenerate leaves it alone (app.db.include_name).
"""

from collections.abc import Callable, Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> indexed columns, as 0005 left them; the first column weighs most in ranking.
INDEXED = {
    "segment": ("title", "description"),
    "speaker": ("name", "aliases", "role", "organisation"),
    "annotation": ("text",),
    "transcript_cue": ("text",),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    for table, columns in INDEXED.items():
        _sqlite_triggers(table, columns, "fts_stem")
        fts, cols = f"fts_{table}", ", ".join(columns)
        stems = ", ".join(f"fts_stem({c})" for c in columns)
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('delete-all')")
        op.execute(f"INSERT INTO {fts}(rowid, {cols}) SELECT id, {stems} FROM {table}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _stored_vectors("fts_config", lambda column: column)
        op.execute("DROP FUNCTION fts_unaccent(text)")
        op.execute("DROP TEXT SEARCH CONFIGURATION fts_stemmed")
        op.execute("DROP TEXT SEARCH DICTIONARY fts_english")
        op.execute("DROP TEXT SEARCH DICTIONARY fts_russian")
        return
    for table, columns in INDEXED.items():
        _sqlite_triggers(table, columns, "")
        op.execute(f"INSERT INTO fts_{table}(fts_{table}) VALUES ('rebuild')")


def _sqlite_triggers(table: str, columns: Sequence[str], function: str) -> None:
    """The triggers keeping fts_<table> current, indexing `function`(column) of each row."""
    fts, cols = f"fts_{table}", ", ".join(columns)
    new = ", ".join(f"{function}(new.{c})" for c in columns)
    old = ", ".join(f"{function}(old.{c})" for c in columns)
    for suffix in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
    op.execute(
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
    )


def _upgrade_postgresql() -> None:
    for language in ("english", "russian"):
        op.execute(
            f"CREATE TEXT SEARCH DICTIONARY fts_{language} "
            f"(TEMPLATE = pg_catalog.snowball, Language = {language})"
        )
    op.execute("CREATE TEXT SEARCH CONFIGURATION fts_stemmed (COPY = pg_catalog.russian)")
    for language in ("english", "russian"):
        op.execute(
            "ALTER TEXT SEARCH CONFIGURATION fts_stemmed "
            f"ALTER MAPPING REPLACE pg_catalog.{language}_stem WITH fts_{language}"
        )
    schema = (
        op.get_bind()
        .exec_driver_sql(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
            "ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
        )
        .scalar()
    )
    # unaccent() is STABLE (it looks its dictionary up by name); a generated column needs an
    # IMMUTABLE function, which it is once the dictionary is named with its schema.
    body = f'SELECT "{schema}".unaccent(\'"{schema}".unaccent\'::regdictionary, $1)'
    op.execute(
        "CREATE FUNCTION fts_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        f"STRICT AS $$ {body if schema else 'SELECT $1'} $$"
    )
    if schema:
        # Nothing for the folded text of the index; ts_headline parses the text as written.
        op.execute(
            "ALTER TEXT SEARCH CONFIGURATION fts_stemmed ALTER MAPPING FOR word, hword, "
            f'hword_part WITH "{schema}".unaccent, fts_russian'
        )
    _stored_vectors("fts_stemmed", lambda column: f"fts_unaccent({column})")


def _stored_vectors(config: str, text: Callable[[str], str]) -> None:
    """Each table's stored tsvector column (as made by 0003) and its GIN index, over the
    configuration `config` applied to `text`(column)."""
    for table, columns in INDEXED.items():
        vector = " || ".join(
            f"setweight(to_tsvector('{config}'::regconfig, {text(quoted)}), '{'ABCD'[i]}')"
            for i, quoted in enumerate(f'"{c}"' for c in columns)
        )
        op.execute(f"DROP INDEX IF EXISTS fts_{table}_document")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS fts_document")
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN fts_document tsvector "
            f"GENERATED ALWAYS AS ({vector}) STORED"
        )
        op.execute(f"CREATE INDEX fts_{table}_document ON {table} USING gin (fts_document)")
