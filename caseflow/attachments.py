"""Scans and saved emails attached to cases, stored as files under instance/attachments/."""
import os
import uuid

from flask import current_app
from werkzeug.utils import secure_filename


def directory() -> str:
    path = os.path.join(current_app.instance_path, "attachments")
    os.makedirs(path, exist_ok=True)
    return path


def save(stream, filename: str) -> str:
    """Store the upload under a unique name; return that name (relative to the attachments folder)."""
    stored = f"{uuid.uuid4().hex}_{secure_filename(filename) or 'bijlage'}"
    with open(os.path.join(directory(), stored), "wb") as out:
        while chunk := stream.read(64 * 1024):
            out.write(chunk)
    return stored


def path_of(stored: str) -> str:
    return os.path.join(directory(), os.path.basename(stored))


def discard(stored: str | None) -> None:
    if stored:
        try:
            os.remove(path_of(stored))
        except FileNotFoundError:
            pass
