"""Turn a file on disk into note text, or a clear reason why it cannot be one."""

import errno
import hashlib
import html
import os
import re
import stat
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from desktop.core.errors import InklingError
from desktop.core.words import Words, translate

TEXT_EXTENSIONS = (".txt", ".md", ".markdown")
SUPPORTED_EXTENSIONS = (*TEXT_EXTENSIONS, ".pdf", ".html", ".htm")
BINARY_SNIFF_BYTES = 8192


class UnreadableFile(InklingError):
    """The file cannot become a note; the message says why in words a user understands."""


@dataclass(frozen=True)
class FileText:
    text: str
    content_hash: str  # of the raw bytes: an unchanged file is never read into text or re-embedded
    size: int
    mtime_ns: int
    warning: str | None = None  # kept but worth knowing, e.g. invalid UTF-8 was replaced


def read_bytes(path: Path) -> bytes:
    """A regular file's bytes, with OS errors turned into user-facing reasons.

    Anything else is refused before it is opened: open() of a named pipe waits for a writer forever,
    and a device (/dev/zero) never ends. The file is opened non-blocking and checked again, in case it
    was swapped for one of those between the two looks.
    """
    try:
        _require_regular(os.stat(path).st_mode)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with open(descriptor, "rb") as handle:
            _require_regular(os.fstat(descriptor).st_mode)
            return handle.read()
    except FileNotFoundError:
        raise UnreadableFile(translate("core", "the file was deleted or moved before it could be read")) from None
    except PermissionError:
        raise UnreadableFile(translate("core", "permission denied: Inkling may not read this file")) from None
    except IsADirectoryError:
        raise UnreadableFile(translate("core", "this is a folder, not a file")) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UnreadableFile(translate("core", "a symbolic link loop: the link points back to itself")) from None
        raise UnreadableFile(translate("core", "cannot be read: {reason}").format(reason=error.strerror)) from None


def _require_regular(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise UnreadableFile(translate("core", "this is a folder, not a file"))
    if stat.S_ISFIFO(mode):
        raise UnreadableFile(translate("core", "a named pipe (FIFO), not a regular file: only regular files are read"))
    if stat.S_ISSOCK(mode):
        raise UnreadableFile(translate("core", "a socket, not a regular file: only regular files are read"))
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        raise UnreadableFile(translate("core", "a device, not a regular file: only regular files are read"))
    raise UnreadableFile(translate("core", "a special file, not a regular file: only regular files are read"))


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file(path: Path) -> FileText:
    """Read a .txt/.md/.pdf/.html file (any other extension is tried as plain text)."""
    path = Path(path)
    data = read_bytes(path)
    try:
        stat = os.stat(path)
    except OSError:
        raise UnreadableFile(translate("core", "the file was deleted or moved while it was being read")) from None
    digest = content_hash(data)
    suffix = path.suffix.lower()
    if not data.strip():
        raise UnreadableFile(translate("core", "the file is empty"))
    if suffix == ".pdf":
        text, warning = _pdf_text(data), None
    else:
        text, warning = _decode(data)
        if suffix in (".html", ".htm"):
            text = html_to_text(text)
    if not text.strip():
        raise UnreadableFile(translate("core", "the file has no text in it"))
    return FileText(text, digest, stat.st_size, stat.st_mtime_ns, warning)


def _decode(data: bytes) -> tuple[str, str | None]:
    if _looks_binary(data[:BINARY_SNIFF_BYTES]):
        raise UnreadableFile(translate("core", "a binary file, not text"))
    text = data.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8-sig", errors="ignore").count("\ufffd")
    if bad:
        return text, translate("core", "not valid UTF-8: {count} undecodable byte sequence(s) were replaced with �").format(count=bad)
    return text, None


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return bool(sample) and control / len(sample) > 0.1


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnreadableFile(translate("core", "the PDF is password-protected"))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise UnreadableFile(translate("core", "not a readable PDF ({error})").format(error=error)) from None
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise UnreadableFile(translate("core", "the PDF has no text layer (a scan or images only); it would need OCR"))
    return text


class _TextExtractor(HTMLParser):
    SKIP = {"script", "style", "head", "template", "noscript"}
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "pre", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one paragraph per block element; scripts and styles dropped."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\s*\n\s*\n\s*", "\n\n", text).strip()


# The reasons and warnings with fields that notes.db keeps as the core said them, in English; a fixed one is
# looked up by its text (translate("core", text)), one with fields is matched against these to be translated.
STORED_WITH_FIELDS = (
    translate("core", "cannot be read: {reason}"),
    translate("core", "not a readable PDF ({error})"),
    translate("core", "not valid UTF-8: {count} undecodable byte sequence(s) were replaced with �"),
    translate("core", "indexing was cancelled after {done} chunks ({percent}% of the text); reindex to finish it"),
)


def stored_words(text: str | None) -> Words | str | None:
    """A reason or warning read back from notes.db, as the message it was (so the window can translate it)."""
    if not text:
        return text
    for words in STORED_WITH_FIELDS:
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+)", re.escape(words.template))
        match = re.fullmatch(pattern, text, re.DOTALL)
        if match:
            return words.format(**match.groupdict())
    return translate("core", text)  # a fixed reason (the window finds its translation) or any other text as it is
