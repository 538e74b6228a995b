"""The encrypted, authenticated container a backup is written in: AES-256-GCM in chunks, the key from scrypt.

Layout of a `caseflow-backup-<UTC time>.cfbackup` file (integers big-endian):

    offset  size  field
    0       8     magic b"CFBACKUP"
    8       1     layout version: 1
    9       1     key derivation: 1 = scrypt
    10      1     scrypt log2(N): 16 when written (a reader accepts 10..20, at most 512 MiB of scrypt memory)
    11      1     scrypt r: 8 (accepted 1..16)
    12      1     scrypt p: 1 (accepted 1..4)
    13      16    salt, random for each archive
    29      4     nonce prefix, random for each archive
    33      32    key check: HMAC-SHA256(check key, bytes 0..32)
    65      ...   the chunks, one after another up to the end of the file, each:
                    4 bytes  L, the length of the sealed chunk (16 <= L <= 1 MiB + 16)
                    L bytes  AES-256-GCM(AES key, nonce, plaintext chunk, associated data): ciphertext + 16-byte tag
                  nonce           = nonce prefix (4 bytes) + chunk index (8 bytes, the first chunk is 0)
                  associated data = header bytes 0..32 + chunk index (8 bytes) + last flag (1 byte: 1 last, else 0)

scrypt(the key string in UTF-8, salt, N, r, p) gives 64 bytes: the AES-256 key (the first 32) and the check key (the
last 32). Every chunk but the last holds exactly 1 MiB of plaintext; the last holds 0 to 1 MiB and nothing may follow
it. The header, each chunk's place and the end are all under the tags: a byte changed, a chunk moved, dropped or
repeated, a file cut short (at a chunk boundary too) or extended fails authentication. The key check tells a wrong
key from a damaged archive before any chunk is read. Memory stays bounded: one chunk at a time, both ways.

The plaintext is a gzip-compressed tar stream whose first member is manifest.json (see archive.py), so the manifest
is authenticated with everything else.
"""
import hashlib
import hmac
import os
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from caseflow.backup.database import BackupError

MAGIC = b"CFBACKUP"
VERSION = 1
KDF_SCRYPT = 1
LOG2_N, R, P = 16, 8, 1
SALT_SIZE, PREFIX_SIZE, CHECK_SIZE, TAG_SIZE = 16, 4, 32, 16
FIXED = len(MAGIC) + 5 + SALT_SIZE + PREFIX_SIZE  # the bytes the key check and every chunk's associated data cover
HEADER_SIZE = FIXED + CHECK_SIZE
CHUNK = 1024 * 1024
MAX_SCRYPT_MEMORY = 512 * 1024 * 1024


@dataclass(frozen=True)
class Header:
    fixed: bytes  # bytes 0..32, as read
    log2_n: int
    r: int
    p: int
    salt: bytes
    prefix: bytes
    check: bytes


def _derive(key: str, salt: bytes, log2_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    material = Scrypt(salt=salt, length=64, n=2 ** log2_n, r=r, p=p).derive(key.encode("utf-8"))
    return material[:32], material[32:]


def _check(check_key: bytes, fixed: bytes) -> bytes:
    return hmac.new(check_key, fixed, hashlib.sha256).digest()


def _associated(fixed: bytes, index: int, last: bool) -> bytes:
    return fixed + struct.pack(">QB", index, 1 if last else 0)


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">Q", index)


def is_sealed(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(MAGIC)) == MAGIC


def read_header(fh) -> Header:
    """The header at the start of fh; refuses what is not a Caseflow backup or asks for unreasonable scrypt work."""
    raw = fh.read(HEADER_SIZE)
    if raw[:len(MAGIC)] != MAGIC:
        raise BackupError("not an encrypted Caseflow backup (no CFBACKUP header)")
    if len(raw) < HEADER_SIZE:
        raise BackupError("the archive is cut short: its header is incomplete")
    version, kdf, log2_n, r, p = raw[8:13]
    if version != VERSION or kdf != KDF_SCRYPT:
        raise BackupError(f"unknown backup layout (version {version}, key derivation {kdf}): "
                          "made by a newer Caseflow?")
    if not (10 <= log2_n <= 20 and 1 <= r <= 16 and 1 <= p <= 4) or 128 * r * 2 ** log2_n > MAX_SCRYPT_MEMORY:
        raise BackupError(f"the archive's header asks for unreasonable scrypt parameters (N=2^{log2_n}, r={r}, p={p})")
    salt = raw[13:13 + SALT_SIZE]
    prefix = raw[13 + SALT_SIZE:FIXED]
    return Header(raw[:FIXED], log2_n, r, p, salt, prefix, raw[FIXED:HEADER_SIZE])


def open_key(header: Header, key: str) -> AESGCM:
    """The archive's cipher, once the key check shows the key is the one it was written with."""
    aes_key, check_key = _derive(key, header.salt, header.log2_n, header.r, header.p)
    if not hmac.compare_digest(_check(check_key, header.fixed), header.check):
        raise BackupError("wrong backup key (or the archive's header is damaged): nothing was restored")
    return AESGCM(aes_key)


class SealedWriter:
    """A write-only file object: what is written goes out sealed, in chunks; finish() seals the last one."""

    def __init__(self, raw, key: str):
        salt, prefix = os.urandom(SALT_SIZE), os.urandom(PREFIX_SIZE)
        self.fixed = MAGIC + bytes((VERSION, KDF_SCRYPT, LOG2_N, R, P)) + salt + prefix
        aes_key, check_key = _derive(key, salt, LOG2_N, R, P)
        self.raw, self.aead, self.prefix = raw, AESGCM(aes_key), prefix
        self.buffer, self.index, self.finished = bytearray(), 0, False
        raw.write(self.fixed + _check(check_key, self.fixed))

    def _seal(self, plaintext: bytes, last: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.prefix, self.index), plaintext,
                                   _associated(self.fixed, self.index, last))
        self.raw.write(struct.pack(">I", len(sealed)) + sealed)
        self.index += 1

    def write(self, data) -> int:
        if self.finished:
            raise ValueError("write after finish()")
        self.buffer += data
        while len(self.buffer) > CHUNK:  # more than a chunk: this one is not the last
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        self.raw.flush()

    def finish(self) -> None:
        if not self.finished:
            self._seal(bytes(self.buffer), last=True)
            self.buffer, self.finished = bytearray(), True
            self.raw.flush()


class SealedReader:
    """A read-only file object over the plaintext of fh (positioned after the header); every chunk authenticated.

    A chunk is the last when the file ends right after it; reading on after the last chunk gives b""."""

    def __init__(self, fh, header: Header, aead: AESGCM):
        self.fh, self.header, self.aead = fh, header, aead
        self.index, self.done, self.plain, self.offset = 0, False, b"", 0
        self.pending = self._length()

    def _length(self) -> bytes:
        return self.fh.read(4)

    def next_chunk(self) -> bytes:
        if len(self.pending) < 4:
            raise BackupError(f"the archive is cut short: it ends after chunk {self.index} without its last chunk")
        (size,) = struct.unpack(">I", self.pending)
        if not TAG_SIZE <= size <= CHUNK + TAG_SIZE:
            raise BackupError(f"the archive is damaged: chunk {self.index} has an impossible length ({size})")
        sealed = self.fh.read(size)
        if len(sealed) < size:
            raise BackupError(f"the archive is cut short in chunk {self.index}")
        self.pending = self._length()
        last = not self.pending
        nonce = _nonce(self.header.prefix, self.index)
        try:
            plain = self.aead.decrypt(nonce, sealed, _associated(self.header.fixed, self.index, last))
        except InvalidTag:
            if last and self._opens(nonce, sealed, last=False):
                raise BackupError(f"the archive is cut short: it ends after chunk {self.index}, "
                                  "which is not its last") from None
            raise BackupError(f"the archive is damaged or was tampered with: chunk {self.index} fails "
                              "authentication") from None
        self.index += 1
        self.done = last
        return plain

    def _opens(self, nonce: bytes, sealed: bytes, *, last: bool) -> bool:
        try:
            self.aead.decrypt(nonce, sealed, _associated(self.header.fixed, self.index, last))
        except InvalidTag:
            return False
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            parts = [self.plain[self.offset:]]
            while not self.done:
                parts.append(self.next_chunk())
            self.plain, self.offset = b"", 0
            return b"".join(parts)
        while self.offset >= len(self.plain) and not self.done:
            self.plain, self.offset = self.next_chunk(), 0
        out = self.plain[self.offset:self.offset + size]
        self.offset += len(out)
        return out


def authenticate(fh, key: str) -> AESGCM:
    """Read fh from its start to its end, checking the key and every chunk; return the cipher and rewind fh.

    Nothing of the plaintext is kept: this pass only proves the whole archive is intact before anything is read."""
    fh.seek(0)
    header = read_header(fh)
    aead = open_key(header, key)
    reader = SealedReader(fh, header, aead)
    while not reader.done:
        reader.next_chunk()
    fh.seek(0)
    return aead


def open_plaintext(fh, aead: AESGCM) -> SealedReader:
    """A reader over fh's plaintext (fh at its start), with the cipher authenticate() returned."""
    header = read_header(fh)
    return SealedReader(fh, header, aead)
