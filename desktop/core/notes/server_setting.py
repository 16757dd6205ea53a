"""Where the notes' vector index lives, as the app's settings keep it: a Chroma server's address, never its token."""

import uuid
from pathlib import Path

from desktop.core.notes.chroma_server import ChromaServer, ChromaServerError, check_url, server_certificate
from desktop.core.tls import fingerprint, same_fingerprint
from desktop.core.secrets import SecretStore
from desktop.core.words import translate

# {"url": ..., "token_in": "keyring" | "file" | None, "certificate": PEM | None}; absent: in the data folder
SETTING = "notes_chroma_server"
LIBRARY_ID = "notes_library_id"  # names this library's collection, so several people can share one server
TOKEN_NAME = "notes"
TOKEN_FILE = "chroma-token.json"  # only when no system keyring exists; mode 0600, in the data folder


def token_store(data_folder: Path) -> SecretStore:
    return SecretStore(Path(data_folder) / TOKEN_FILE, "Inkling Chroma server", translate("core", "Chroma server tokens"))


def collection_name(store) -> str:
    """This library's collection on any server: made once per data folder, kept when the server changes."""
    library_id = store.get_setting(LIBRARY_ID)
    if not library_id:
        library_id = uuid.uuid4().hex[:16]
        store.set_setting(LIBRARY_ID, library_id)
    return f"inkling-notes-{library_id}"


def load_server(store, data_folder: Path) -> ChromaServer | None:
    """The Chroma server the notes use (its token read from the keyring or the 0600 file), or None: local."""
    saved = store.get_setting(SETTING)
    if not isinstance(saved, dict) or not saved.get("url"):
        return None
    token = token_store(data_folder).get(TOKEN_NAME) if saved.get("token_in") else None
    return ChromaServer(saved["url"], collection_name(store), token, certificate=saved.get("certificate") or None)


def describe(store) -> str:
    """One line for the user: where the index is."""
    saved = store.get_setting(SETTING)
    if not isinstance(saved, dict) or not saved.get("url"):
        return translate("core", "The notes' search index is kept in this computer's data folder.")
    token = {"keyring": translate("core", "a token in the system keyring"),
             "file": translate("core", "a token in the data folder (0600 file)")}.get(
        saved.get("token_in"), translate("core", "no token"))
    return translate("core", "The notes' search index is kept on the Chroma server {url} ({token}), collection "
                             "{collection}.").format(url=saved["url"], token=token, collection=collection_name(store))


def new_server(store, url: str, token: str | None, certificate: str | None = None) -> ChromaServer:
    """The server the user typed in, not saved yet: the library tries it first (use_index), then save_server.

    `certificate`: its self-signed certificate (PEM) the user trusted, for this server only.
    """
    return ChromaServer(check_url(url), collection_name(store), token or None, certificate=certificate)


def trusted_certificate(url: str, given_fingerprint: str) -> str:
    """The server's certificate, if its SHA-256 fingerprint is the one the user gave (compared out of band)."""
    pem = server_certificate(url)
    if not same_fingerprint(given_fingerprint, pem):
        raise ChromaServerError(translate(
            "core", "{url} shows a certificate with fingerprint {shown}, not {given}: not trusted.").format(
            url=url, shown=fingerprint(pem), given=given_fingerprint))
    return pem


def save_server(store, data_folder: Path, server: ChromaServer | None) -> str | None:
    """Keep the choice (None: the data folder); the token goes to the keyring or the 0600 file, never the settings.

    Returns a note for the user when the token went to the file because this system has no keyring.
    """
    tokens = token_store(data_folder)
    if server is None:
        tokens.delete(TOKEN_NAME)
        store.set_setting(SETTING, None)
        return None
    token_in = tokens.put(TOKEN_NAME, server.token) if server.token else None
    if not server.token:
        tokens.delete(TOKEN_NAME)
    pinned = {"certificate": server.certificate} if server.certificate else {}
    store.set_setting(SETTING, {"url": server.url, "token_in": token_in} | pinned)
    return tokens.note if token_in == "file" else None

