"""PostgreSQL chores: scratch databases, row counts and the bulk prefill.

Talks to the server directly with psycopg2 (already a dependency of the
app), so the benchmark needs no psql binary and no Django settings for it.
"""

import psycopg2

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def connect(dbname: str = "postgres"):
    conn = psycopg2.connect(dbname=dbname, **PG)
    conn.autocommit = True
    return conn


def url(dbname: str) -> str:
    return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{dbname}"


def drop(name: str) -> None:
    """Drop a scratch database, disconnecting whoever still holds it."""
    execute("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def recreate(name: str) -> None:
    drop(name)
    execute("postgres", f'CREATE DATABASE "{name}"')


def scalar(dbname: str, sql: str, params: tuple = ()):
    conn = connect(dbname)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            row = cur.fetchone()
            return row[0] if row else None
    finally:
        conn.close()


def rows(dbname: str, sql: str, params: tuple = ()) -> list[tuple]:
    conn = connect(dbname)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
    finally:
        conn.close()


def execute(dbname: str, sql: str, params: tuple = ()) -> None:
    conn = connect(dbname)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
    finally:
        conn.close()


# How to fill the signature columns we know by name, for row number g.
# Emails and their hashes must be distinct per row (unique constraints), and
# the prefill emails must never collide with the ones the load sends.
_KNOWN = {
    "email": "'prefill' || g || '@example.invalid'",
    "email_hash": "encode(sha256(convert_to('prefill' || g || '@example.invalid', 'UTF8')), 'hex')",
    "first_name": "'Prefill'",
    "language": "'en'",
    "status": "'confirmed'",  # only confirmed signatures are counted
    "created_at": "now() - g * interval '1 second'",
    "confirmed_at": "now() - g * interval '1 second'",
    "last_name": "'Signer' || g",
    "country": "'GB'",
    "organisation": "''",
    "message": "''",
    "consent_to_contact": "mod(g, 2) = 0",
    "show_name_publicly": "mod(g, 4) <> 0",
}

# Fallbacks by type for any other NOT NULL column without a database default.
_BY_TYPE = {
    "boolean": "false",
    "integer": "0",
    "bigint": "0",
    "smallint": "0",
    "numeric": "0",
    "double precision": "0",
    "date": "current_date",
    "timestamp with time zone": "now() - g * interval '1 second'",
    "timestamp without time zone": "now() - g * interval '1 second'",
    "uuid": "gen_random_uuid()",
    "jsonb": "'{}'::jsonb",
    "json": "'{}'::json",
    "inet": "'127.0.0.1'::inet",
    "character varying": "''",
    "text": "''",
}
_UNIQUE_BY_TYPE = {
    "integer": "g",
    "bigint": "g",
    "uuid": "gen_random_uuid()",
    "character varying": "md5('prefill' || g)",
    "text": "md5('prefill' || g)",
}


def _unique_columns(cur, table: str) -> set[str]:
    """Columns that alone carry a unique index (besides the primary key)."""
    cur.execute(
        """
        SELECT a.attname FROM pg_index i
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE i.indrelid = %s::regclass AND i.indisunique AND NOT i.indisprimary
          AND i.indnatts = 1
        """,
        (table,),
    )
    return {name for (name,) in cur.fetchall()}


def signature_columns(cur, table: str, campaign_id: int) -> dict[str, str]:
    """Column -> SQL expression for every column the prefill must fill."""
    cur.execute(
        """
        SELECT column_name, data_type, character_maximum_length, is_nullable,
               column_default, is_identity
        FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position
        """,
        (table,),
    )
    columns = cur.fetchall()
    unique = _unique_columns(cur, table)
    chosen: dict[str, str] = {}
    for name, dtype, maxlen, nullable, default, identity in columns:
        if identity == "YES" or default is not None:
            continue  # serial/identity ids and database defaults fill themselves
        if name == "campaign_id":
            expr = str(int(campaign_id))
        elif name in _KNOWN:
            expr = _KNOWN[name]
        elif nullable == "YES":
            continue
        elif name in unique and dtype in _UNIQUE_BY_TYPE:
            expr = _UNIQUE_BY_TYPE[dtype]
        elif dtype in _BY_TYPE:
            expr = _BY_TYPE[dtype]
        else:
            raise RuntimeError(f"prefill: don't know how to fill {table}.{name} ({dtype})")
        if maxlen and dtype == "character varying":
            expr = f"left({expr}, {int(maxlen)})"
        chosen[name] = expr
    return chosen


def prefill_signatures(dbname: str, campaign_id: int, count: int) -> dict[str, str]:
    """Insert `count` signatures for one campaign in a single INSERT ... SELECT.

    Returns the column expressions used, for the log. Analyses the table
    afterwards, as autovacuum would soon do on a table that grew this much,
    so the second phase measures a settled database, not the bulk load.
    """
    conn = connect(dbname)
    try:
        with conn.cursor() as cur:
            chosen = signature_columns(cur, "petitions_signature", campaign_id)
            cols = ", ".join(f'"{c}"' for c in chosen)
            exprs = ", ".join(chosen.values())
            # Names come from the catalog, expressions from this module; the count is a parameter.
            insert = f"INSERT INTO petitions_signature ({cols}) SELECT {exprs} FROM generate_series(1, %s) AS g"  # noqa: S608
            cur.execute("SET synchronous_commit = off")
            cur.execute(insert, (count,))
            cur.execute("VACUUM (ANALYZE) petitions_signature")
            # Flush the dirty pages now, or a checkpoint writes them during the measurements.
            cur.execute("CHECKPOINT")
        return chosen
    finally:
        conn.close()


def signature_rows(dbname: str, campaign_id: int) -> int:
    return scalar(dbname, "SELECT count(*) FROM petitions_signature WHERE campaign_id = %s", (campaign_id,))


def campaign_id(dbname: str, slug: str) -> int:
    found = scalar(dbname, "SELECT id FROM campaigns_campaign WHERE slug = %s", (slug,))
    if found is None:
        raise RuntimeError(f"no campaign with slug {slug!r} (did seed_demo run?)")
    return found
