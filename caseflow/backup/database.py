"""The database's part of a backup: SQLite through its online backup API, PostgreSQL through pg_dump/pg_restore."""
import glob
import os
import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump/pg_restore run with an argument list, never through a shell

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """The backup or restore could not be done; the message says why."""


def kind_of(uri: str) -> str:
    backend = make_url(uri).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"unsupported database: {backend}")
    return backend


def sqlite_path(uri: str) -> str:
    path = make_url(uri).database
    if not path or path == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return path


def _pg_tool(name: str) -> str:
    """pg_dump/pg_restore: on PATH, or the newest /usr/lib/postgresql/*/bin (Debian)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise BackupError(f"{name} not found: install the PostgreSQL client (apt-get install postgresql-client)")
    return candidates[-1]


def _pg_args(uri: str) -> tuple[list[str], dict]:
    """Connection arguments for the PostgreSQL tools; the password goes through the environment, not argv."""
    url = make_url(uri)
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return args, env


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)  # nosec B603  # fixed tool, no shell
    if done.returncode != 0:
        raise BackupError(f"{os.path.basename(command[0])} failed: {done.stderr.strip()[-2000:]}")


def dump(uri: str, target_dir: str) -> str:
    """Write a consistent copy of the database into target_dir; return its file name."""
    if kind_of(uri) == "sqlite":
        name = "database.sqlite"
        source = sqlite3.connect(sqlite_path(uri))
        dest = sqlite3.connect(os.path.join(target_dir, name))
        try:
            with dest:
                source.backup(dest)  # the online backup API: a consistent snapshot while the app writes
        finally:
            dest.close()
            source.close()
        return name
    name = "database.dump"
    args, env = _pg_args(uri)
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
          "--file", os.path.join(target_dir, name)] + args, env)
    return name


def load(uri: str, source_file: str) -> None:
    """Replace the database's content with the dump."""
    if kind_of(uri) == "sqlite":
        path = sqlite_path(uri)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        source = sqlite3.connect(source_file)
        dest = sqlite3.connect(path)
        try:
            with dest:
                source.backup(dest)
        except sqlite3.Error as error:
            raise BackupError(f"the archive's database could not be loaded: {error}") from None
        finally:
            dest.close()
            source.close()
        os.chmod(path, 0o600)
        return
    args, env = _pg_args(uri)
    _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error"] + args + [source_file], env)
