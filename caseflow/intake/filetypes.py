"""What a file really is, from its first bytes (never from its name or the type the sender declared)."""
import io
import zipfile

# (magic prefix, content type, extension)
_MAGIC = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"II*\x00", "image/tiff", "tif"),
    (b"MM\x00*", "image/tiff", "tif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage", "doc"),  # old Word/Excel, Outlook .msg
)
_OFFICE = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
UNKNOWN = ("application/octet-stream", "bin")
# What may be shown in the browser (inline) rather than only downloaded: scans of letters.
VIEWABLE = ("application/pdf", "image/png", "image/jpeg", "image/gif")


def sniff(data: bytes) -> tuple[str, str]:
    """(content type, extension) from the content; application/octet-stream when it is none we know."""
    head = data[:16]
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    for magic, content_type, extension in _MAGIC:
        if head.startswith(magic):
            return content_type, extension
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if _looks_like_mail(data):
        return "message/rfc822", "eml"
    if _is_text(data):
        return "text/plain", "txt"
    return UNKNOWN


def _zip_kind(data: bytes) -> tuple[str, str]:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return UNKNOWN
    if "mimetype" in names and any(n == "content.xml" for n in names):
        return "application/vnd.oasis.opendocument", "odt"
    if "[Content_Types].xml" in names:
        for prefix, kind in _OFFICE.items():
            if any(n.startswith(prefix) for n in names):
                return kind
    return "application/zip", "zip"


def _looks_like_mail(data: bytes) -> bool:
    head = data[:2000].lower()
    return (b"\nfrom:" in b"\n" + head or b"\nreceived:" in b"\n" + head) and b"\nsubject:" in b"\n" + head


def _is_text(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return all(b >= 9 for b in sample)
