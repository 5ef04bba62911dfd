"""The database every node of a run shares, and the users the simulated clients sign in as.

PostgreSQL when a reachable ``postgres://`` URL is given (the lab creates a scratch
database of its own on that server and drops it afterwards, so it never touches the
data behind the URL); otherwise SQLite in WAL mode under the run's folder, which copes
with a few writers but is not what a multi-server deployment would use.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from lab.runner.processes import BASE_DIR, LabError

LAB_PASSWORD = "lab-Password-0451"  # noqa: S105 - the lab's own throwaway users
USERNAME_FORMAT = "labuser{}"
PBKDF2_USERNAME = "labpbkdf2"


@dataclass
class LabDatabase:
    url: str
    kind: str
    note: str
    drop: Callable[[], None] | None = field(default=None, repr=False)
    path: Path | None = None  # the SQLite file

    def close(self) -> None:
        if self.drop is not None:
            self.drop()
            self.drop = None


def _postgres_dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def database_prepare(*, directory: Path, source_url: str | None) -> LabDatabase:
    """Create the run's empty database (not yet migrated) and return how to reach it."""
    note = ""
    if source_url and source_url.startswith(("postgres://", "postgresql://")):
        try:
            return _postgres_scratch(source_url)
        except Exception as exc:
            host = urlsplit(source_url).hostname
            note = f"PostgreSQL at {host} unreachable ({exc.__class__.__name__}); "
    elif source_url:
        note = "DATABASE_URL is not PostgreSQL; "
    path = Path(directory).resolve() / "lab.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (
        path,
        path.with_name(path.name + "-wal"),
        path.with_name(path.name + "-shm"),
    ):
        stale.unlink(missing_ok=True)  # the lab's own file from an earlier run
    with sqlite3.connect(path) as connection:
        # WAL lets readers run beside the one writer; the mode is stored in the file.
        connection.execute("PRAGMA journal_mode=WAL")
    return LabDatabase(
        path=path,
        url=f"sqlite:///{path}?timeout=30&transaction_mode=IMMEDIATE",
        kind="sqlite",
        note=note + "SQLite in WAL mode (set DATABASE_URL to a PostgreSQL server "
        "for figures closer to production)",
    )


def _postgres_scratch(source_url: str) -> LabDatabase:
    import psycopg

    name = f"authsite_lab_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(
        _postgres_dsn(source_url), autocommit=True, connect_timeout=3
    ) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(
            _postgres_dsn(source_url), autocommit=True, connect_timeout=3
        ) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    parts = urlsplit(source_url)
    url = urlunsplit(parts._replace(path=f"/{name}"))
    return LabDatabase(
        url=url,
        kind="postgresql",
        note=f"PostgreSQL at {parts.hostname}:{parts.port or 5432}, scratch database {name}",
        drop=drop,
    )


# Migrating takes seconds; a process that makes several runs (the matrix, the tests)
# migrates and seeds one SQLite file once and copies it for each run.
_SQLITE_TEMPLATE: dict[str, Path] = {}
TEMPLATE_USERS = 32


def database_ready(
    *, out: Path, users: int, source_url: str | None = None
) -> LabDatabase:
    """A migrated database with ``users`` lab users (and their DRF tokens), shared by
    the nodes of one or more runs. ``source_url`` defaults to DATABASE_URL."""
    from lab.runner.cluster import base_env

    out = Path(out)
    source = source_url if source_url is not None else os.environ.get("DATABASE_URL")
    out.mkdir(parents=True, exist_ok=True)
    database = database_prepare(directory=out, source_url=source)
    template = _SQLITE_TEMPLATE.get("path")
    if database.path is not None and template is not None and users <= TEMPLATE_USERS:
        shutil.copyfile(template, database.path)
        return database
    try:
        env = base_env(database_url=database.url, var_dir=out / "var")
        # The bench's DRF token table is created everywhere: one schema for all runs.
        env["AUTHSITE_LAB_BENCH"] = "1"
        database_migrate_and_seed(
            env=env,
            users=max(users, TEMPLATE_USERS),
            log=out / "database.log",
            tokens=True,
        )
    except BaseException:
        database.close()
        raise
    if database.path is not None and users <= TEMPLATE_USERS:
        _template_keep(database.path)
    return database


def _template_keep(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    folder = Path(tempfile.mkdtemp(prefix="authsite-lab-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    shutil.copyfile(path, folder / "template.sqlite3")
    _SQLITE_TEMPLATE["path"] = folder / "template.sqlite3"


def database_migrate_and_seed(
    *, env: dict[str, str], users: int, log: Path, tokens: bool = False
) -> None:
    """Migrate the run's database and create ``users`` lab users (same password)."""
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    seed = (
        "from lab.runner.database import users_seed; "
        f"users_seed(count={int(users)}, tokens={bool(tokens)})"
    )
    with log.open("ab") as out:
        for command in (
            [*manage, "migrate", "--no-input"],
            [*manage, "shell", "-c", seed],
        ):
            done = subprocess.run(  # noqa: S603
                command, env=env, cwd=BASE_DIR, stdout=out, stderr=subprocess.STDOUT
            )
            if done.returncode != 0:
                raise LabError(
                    f"{' '.join(command[1:3])} failed for the lab database; see {log}"
                )


def users_seed(*, count: int, tokens: bool = False) -> None:
    """Create lab users 1..count (Argon2id) and one PBKDF2 user; DRF tokens if asked.

    Runs inside ``manage.py shell`` with a node's environment. The password is hashed
    once and the hash shared: hashing it per user would only slow the set-up down.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    user_model = get_user_model()
    argon2 = make_password(LAB_PASSWORD)
    pbkdf2 = make_password(LAB_PASSWORD, hasher="pbkdf2_sha256")
    wanted = [USERNAME_FORMAT.format(n) for n in range(1, count + 1)]
    existing = set(
        user_model.objects.filter(username__in=[*wanted, PBKDF2_USERNAME]).values_list(
            "username", flat=True
        )
    )
    user_model.objects.bulk_create(
        [
            user_model(username=name, email=f"{name}@lab.invalid", password=argon2)
            for name in wanted
            if name not in existing
        ]
        + (
            []
            if PBKDF2_USERNAME in existing
            else [
                user_model(
                    username=PBKDF2_USERNAME,
                    email=f"{PBKDF2_USERNAME}@lab.invalid",
                    password=pbkdf2,
                )
            ]
        )
    )
    if tokens:
        from rest_framework.authtoken.models import Token

        for user in user_model.objects.filter(username__startswith="lab"):
            Token.objects.get_or_create(user=user)
