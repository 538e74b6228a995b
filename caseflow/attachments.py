"""Scans and saved emails attached to cases, stored as files under instance/attachments/."""
import os
import uuid

from flask import abort, current_app, send_file
from werkzeug.utils import secure_filename


def directory() -> str:
    path = os.path.join(current_app.instance_path, "attachments")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def create_private(path: str):
    """A new file open for writing, readable by the owner only."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")


MAX_NAME = 255  # what the database columns and most file systems hold


def shorten(name: str, limit: int = MAX_NAME) -> str:
    """A file name cut to `limit` characters, keeping its extension (a 300-character upload name still fits)."""
    if len(name) <= limit:
        return name
    stem, ext = os.path.splitext(name)
    ext = ext[:20]
    return stem[: limit - len(ext)] + ext


def stored_name(filename: str, fallback: str) -> str:
    """A unique, safe name to store an upload under (at most 33 + 100 characters)."""
    return f"{uuid.uuid4().hex}_{shorten(secure_filename(filename or ''), 100) or fallback}"


def save(stream, filename: str) -> str:
    """Store the upload under a unique name; return that name (relative to the attachments folder)."""
    stored = stored_name(filename, "bijlage")
    with create_private(os.path.join(directory(), stored)) as out:
        while chunk := stream.read(64 * 1024):
            out.write(chunk)
    return stored


def path_of(stored: str) -> str:
    return os.path.join(directory(), os.path.basename(stored))


def size_of(stored: str) -> int:
    return os.path.getsize(path_of(stored))


def discard(stored: str | None) -> None:
    if stored:
        try:
            os.remove(path_of(stored))
        except FileNotFoundError:
            pass


def send_download(stored: str | None, name: str | None):
    """A stored upload (scan, receipt...) as an opaque download, never rendered by the browser, whatever it holds."""
    if not stored:
        abort(404)
    try:
        return send_file(path_of(stored), download_name=name or os.path.basename(stored), as_attachment=True,
                         mimetype="application/octet-stream")
    except FileNotFoundError:
        abort(404)
