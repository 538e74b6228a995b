"""The access/portability package: one ZIP with the exported data, a manifest to check them by, and the Art. 15 sheet."""
import csv
import hashlib
import io
import json
import os
import re
import secrets
import unicodedata
import zipfile
from datetime import datetime

import pyzipper

from caseflow.attachments import shorten
from caseflow.clock import BRUSSELS

DATA_DIR = "data"
INFO_SHEET = "art15-informatie.pdf"
CHUNK = 1024 * 1024
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
# Characters no one sees: controls, direction marks and overrides (U+200E/F, U+202A-E, U+2066-9: "exe.pdf" shown
# for "fdp.exe"), zero-width and other format characters, line separators, lone surrogates
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Cs"}
# Names Windows keeps for devices, also with an extension ("CON.txt", "nul.tar.gz", "COM1 .csv")
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9\u00b9\u00b2\u00b3]|LPT[0-9\u00b9\u00b2\u00b3]) *(\..*)?",
                       re.IGNORECASE)
MAX_NAME = 150  # characters of one part of an entry's name (a path of a few of them stays below Windows' 260)


def safe_name(display_name: str) -> str:
    """One part of a ZIP entry's name that unpacks the same everywhere, and only where it is meant to: no folders
    (so no "..", no absolute path, no drive letter, no backslash), no characters Windows refuses, none that cannot
    be seen or that turn the text around, no device name (CON, NUL, COM1.txt...), no dot or space at either end.

    A name from a browser is a bare name; one with a path (old browsers) keeps its last part, unless that would
    cut the name in the middle of something like =HYPERLINK("https://...") where the slashes are not folders."""
    name = unicodedata.normalize("NFC", display_name or "").replace("\\", "/")
    base = os.path.basename(name)
    if "(" not in name.partition("/")[0] and base:
        name = base
    name = "".join("_" if unicodedata.category(ch) in _INVISIBLE else ch for ch in name)
    name = _UNSAFE.sub("_", name).strip(" .")
    if _RESERVED.fullmatch(name):
        name = "_" + name
    return shorten(name, MAX_NAME).rstrip(" .") or "bestand"


class EntryNames:
    """The entry names of one ZIP as it is written: every part made safe (safe_name), folders joined by "/", and no
    two entries with the same name, ignoring case ("name (2).ext"). Every ZIP Caseflow writes names its entries so.
    """

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def __call__(self, *parts: str) -> str:
        """The entry name for a file `parts[-1]` in the folders `parts[:-1]`."""
        return _unique("/".join(safe_name(part) for part in parts), self._taken)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A cell a spreadsheet shows as text: one starting like a formula (=, +, -, @) gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or `name (2).ext`, `name (3).ext`... if another entry already has it (ignoring case)."""
    stem, ext = os.path.splitext(name)
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem} ({n}){ext}"
    taken.add(candidate.casefold())
    return candidate


def _entry(name: str, created_at: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=created_at.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _add_file(zf: zipfile.ZipFile, name: str, path: str, created_at: datetime) -> tuple[int, str]:
    """Copy the file at `path` into the zip as `name`; return its size and SHA-256."""
    digest, size = hashlib.sha256(), os.path.getsize(path)
    with open(path, "rb") as src, zf.open(_entry(name, created_at), "w", force_zip64=size > zipfile.ZIP64_LIMIT) as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
    return size, digest.hexdigest()


def _add_bytes(zf: zipfile.ZipFile, name: str, data: bytes, created_at: datetime) -> dict:
    zf.writestr(_entry(name, created_at), data)
    return {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _manifest_csv(reference: str, created: str, entries: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["reference", "created_at", "name", "original_name", "size", "sha256"])
    for e in entries:
        writer.writerow([csv_cell(v) for v in (reference, created, e["name"], e["original_name"], e["size"],
                                               e["sha256"])])
    return out.getvalue().encode("utf-8")


def build_package(files, *, reference: str, info_sheet: bytes, created_at: datetime) -> bytes:
    """ZIP bytes: the files under data/, manifest.json and manifest.csv listing them, and the Art. 15 sheet.

    `files` is a list of (display_name, path_on_disk); names are made safe and unique inside the zip.
    `created_at` must be timezone-aware; the manifest gives it in Brussels time. Deterministic: the same
    inputs give the same bytes (fixed entry times and permissions, entries in the order given), so a
    package can be rebuilt and compared with what was sent.
    """
    if created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    local = created_at.astimezone(BRUSSELS).replace(microsecond=0)
    if local.year < 1980:
        raise ValueError("a ZIP cannot hold dates before 1980")
    created = local.isoformat()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        names = EntryNames()
        entries = []
        for display_name, path in files:
            name = names(DATA_DIR, display_name)
            size, sha256 = _add_file(zf, name, path, local)
            entries.append({"name": name, "original_name": display_name, "size": size, "sha256": sha256})
        sheet = _add_bytes(zf, names(INFO_SHEET), info_sheet, local)
        manifest = {"reference": reference, "created_at": created, "files": entries, "information_sheet": sheet}
        _add_bytes(zf, names("manifest.json"),
                   json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8") + b"\n", local)
        _add_bytes(zf, names("manifest.csv"), _manifest_csv(reference, created, entries), local)
    return buffer.getvalue()


# A passphrase to read out on the phone or type from a letter: no 0/O, 1/I/L; 20 characters (~99 bits), in groups.
PASSPHRASE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_passphrase(length: int = 20, group: int = 4) -> str:
    chars = "".join(secrets.choice(PASSPHRASE_ALPHABET) for _ in range(length))
    return "-".join(chars[i:i + group] for i in range(0, length, group))


def encrypt(data: bytes, passphrase: str) -> bytes:
    """The same ZIP with every entry encrypted with AES-256 (WinZip AE-2: opened by 7-Zip, WinZip, macOS
    Archive Utility with the passphrase; Windows Explorer cannot). Not deterministic: AES uses a fresh salt."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as plain, \
            pyzipper.AESZipFile(out, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as zf:
        zf.setpassword(passphrase.encode("utf-8"))
        zf.setencryption(pyzipper.WZ_AES, nbits=256)
        for info in plain.infolist():
            entry = zf.zipinfo_cls(info.filename, date_time=info.date_time)
            entry.compress_type = pyzipper.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            zf.writestr(entry, plain.read(info))
    return out.getvalue()
