"""Schema migrations, shared by SQLite and PostgreSQL: plain SQL both understand, except a
statement for one database only, written (database, statement).

Each entry runs once, in order; `schema_version` records how far a database has come."""

from __future__ import annotations

Statement = str | tuple[str, str]  # ("sqlite" | "postgresql", SQL): that database only

MIGRATIONS: list[list[Statement]] = [
    [
        """CREATE TABLE resources (
            kind TEXT NOT NULL, id TEXT NOT NULL, account TEXT NOT NULL,
            parent TEXT, created DOUBLE PRECISION NOT NULL,
            doc TEXT NOT NULL, meta TEXT NOT NULL,
            PRIMARY KEY (kind, id))""",
        "CREATE INDEX resources_by_account ON resources (kind, account, created)",
        "CREATE INDEX resources_by_parent ON resources (kind, parent)",
        """CREATE TABLE claims (
            scope TEXT NOT NULL, value TEXT NOT NULL, owner TEXT NOT NULL,
            PRIMARY KEY (scope, value))""",
        "CREATE INDEX claims_by_owner ON claims (owner)",
        """CREATE TABLE timers (
            tid TEXT PRIMARY KEY, due DOUBLE PRECISION NOT NULL, action TEXT NOT NULL, ref TEXT NOT NULL,
            payload TEXT NOT NULL)""",
        "CREATE INDEX timers_by_due ON timers (due)",
    ],
    # Only records with a parent (a VIF's connection, a LAG member's LAG) are found by it:
    # a connection ordered alone no longer writes an index page for nothing, and a durable
    # commit costs per page it writes (bench/README.md).
    [
        "DROP INDEX resources_by_parent",
        "CREATE INDEX resources_by_parent ON resources (kind, parent) WHERE parent IS NOT NULL",
    ],
    # SQLite: claims (a few short columns) kept in their primary key's B-tree, without a
    # rowid table beside it: a claim written is one page less (PostgreSQL has no rowid).
    [
        (
            "sqlite",
            """CREATE TABLE claims_by_key (
            scope TEXT NOT NULL, value TEXT NOT NULL, owner TEXT NOT NULL,
            PRIMARY KEY (scope, value)) WITHOUT ROWID""",
        ),
        ("sqlite", "INSERT INTO claims_by_key SELECT scope, value, owner FROM claims"),
        ("sqlite", "DROP TABLE claims"),
        ("sqlite", "ALTER TABLE claims_by_key RENAME TO claims"),
        ("sqlite", "CREATE INDEX claims_by_owner ON claims (owner)"),
    ],
]


def statements(migration: list[Statement], database: str) -> list[str]:
    """The statements of one migration that `database` runs."""
    return [
        s if isinstance(s, str) else s[1]
        for s in migration
        if isinstance(s, str) or s[0] == database
    ]
