"""A self-signed certificate trusted for one server (chat servers, the Chroma server): pinned, read, fingerprinted."""

import hashlib
import ssl
from urllib.parse import urlsplit

from desktop.core.errors import InklingError
from desktop.core.words import translate

CONNECT_TIMEOUT_S = 10.0


def tls_context(pinned: str | None) -> ssl.SSLContext | bool:
    """The system's trust store; or, for a server whose self-signed certificate the user trusted, that one alone.

    With the pinned certificate as the only trust anchor, the handshake succeeds only when the server shows
    exactly it (before any request, so a key or token is never sent elsewhere). Its name is not checked: the
    user trusted this certificate, whatever host name it carries (self-signed ones rarely name an IP address).
    """
    if pinned is None:
        return True
    context = ssl.create_default_context(cadata=pinned)
    context.check_hostname = False
    return context


def read_certificate(url: str, error: type[InklingError], timeout: float = CONNECT_TIMEOUT_S) -> str:
    """The certificate an https address shows (PEM), read without trusting it, so the user can decide to.

    A plain http address, or a certificate that cannot be read, raises `error` (the caller's kind) in words.
    """
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise error(translate("core", "{url} is not https: there is no certificate to trust.").format(url=url))
    try:
        return ssl.get_server_certificate((parts.hostname, parts.port or 443), timeout=timeout)
    except (OSError, ssl.SSLError) as failure:
        raise error(translate("core", "{url}: could not read its certificate ({reason}).").format(
            url=url, reason=failure.__class__.__name__)) from None


def fingerprint(pem: str) -> str:
    """SHA-256 of the certificate as `openssl x509 -noout -fingerprint -sha256` prints it (AB:CD:…)."""
    digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def same_fingerprint(given: str, pem: str) -> bool:
    """Whether a fingerprint the user typed (any case, with or without colons) is this certificate's."""
    return given.replace(":", "").strip().upper() == fingerprint(pem).replace(":", "")
