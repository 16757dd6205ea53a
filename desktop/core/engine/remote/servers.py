"""The servers a user added (plain entries, kept in the app's settings) and their API keys (keyring or a 0600 file)."""

import os
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from desktop.core.engine.remote.http import (
    RemoteError, ServerAddress, check_url, fetch_certificate, fingerprint, open_client, same_fingerprint,
)
from desktop.core.engine.remote.probe import ServerProfile, probe
from desktop.core.engine.remote.target import RemoteTarget
from desktop.core.engine.types import LEARNED, ModelInfo
from desktop.core.secrets import SecretStore
from desktop.core.words import translate

SETTINGS_KEY = "remote_engines"
KEYRING_SERVICE = "Inkling remote engines"
KEY_FILE = "remote-keys.json"  # only when no system keyring exists; mode 0600, in the data folder
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


@dataclass(frozen=True)
class ServerEntry:
    """One added server: what the settings keep. Never the key itself: where it lives, at most."""

    name: str
    url: str
    api_key_env: str | None = None  # read from this environment variable at use time
    key_in: str | None = None  # "keyring" | "file" | None: where a typed-in key was stored
    profile: dict | None = None  # the last probe (ServerProfile.to_dict)
    certificate: str | None = None  # PEM of the self-signed certificate the user trusted for this server (public)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "ServerEntry":
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})

    @property
    def server_profile(self) -> ServerProfile | None:
        return ServerProfile.from_dict(self.profile) if self.profile else None


def parse_entries(stored) -> list[ServerEntry]:
    return [ServerEntry.from_dict(item) for item in stored or () if isinstance(item, dict) and item.get("name")]


def load_entries(store) -> list[ServerEntry]:
    """The added servers from the app's settings (any object with get_setting: the store)."""
    return parse_entries(store.get_setting(SETTINGS_KEY))


def save_entries(store, entries: list[ServerEntry]) -> None:
    store.set_setting(SETTINGS_KEY, [entry.to_dict() for entry in entries])


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise RemoteError(translate("core", "A server name is 1-40 letters, digits, '.', '_' or '-', starting with a "
                                            "letter or digit: “{name}”").format(name=name))
    return name


def find(entries: list[ServerEntry], name: str) -> ServerEntry:
    for entry in entries:
        if entry.name == name:
            return entry
    known = ", ".join(e.name for e in entries) or "none yet (inkling engines add NAME URL)"
    raise RemoteError(translate("core", "No server named {name}; added: {known}.").format(name=repr(name), known=known))


class KeyStore(SecretStore):
    """API keys by server name (desktop.core.secrets: the system keyring, else a 0600 file in the data folder)."""

    def __init__(self, data_folder: Path):
        super().__init__(data_folder / KEY_FILE, KEYRING_SERVICE, translate("core", "API keys"))


def api_key(entry: ServerEntry, keys: KeyStore) -> str | None:
    """The entry's key at use time: from its environment variable or the key store; never saved elsewhere."""
    if entry.api_key_env:
        value = os.environ.get(entry.api_key_env)
        if not value:
            raise RemoteError(translate("core", "Server {name} takes its API key from ${variable}, which is not set.").format(
                name=repr(entry.name), variable=entry.api_key_env))
        return value
    return keys.get(entry.name) if entry.key_in else None


def address_of(entry: ServerEntry, keys: KeyStore) -> ServerAddress:
    return ServerAddress(entry.url, api_key(entry, keys), pinned_certificate=entry.certificate)


def target_of(entry: ServerEntry, keys: KeyStore, model: str | None = None) -> RemoteTarget:
    """The entry's server model to open, with the contexts the server named before (they outlive a restart)."""
    profile = entry.server_profile
    return RemoteTarget(address_of(entry, keys), entry.name, model,
                        profile.learned_contexts if profile is not None else ())


def remember_context(store, info: ModelInfo) -> bool:
    """Keep a context a server's model named by refusing a longer prompt with the server's entry; True if it changed.

    `info`: the engine's ModelInfo after the reply (its engine description names the server).
    """
    server = (info.engine or {}).get("server")
    if info.n_ctx_source != LEARNED or not server:
        return False
    entries = load_entries(store)
    entry = next((e for e in entries if e.name == server), None)
    profile = entry.server_profile if entry is not None else None
    if profile is None or dict(profile.learned_contexts).get(info.name) == info.n_ctx:
        return False
    kept = replace(entry, profile=profile.with_learned({info.name: info.n_ctx}).to_dict())
    save_entries(store, [kept if e.name == server else e for e in entries])
    return True


def trust_certificate(entry: ServerEntry, given_fingerprint: str) -> ServerEntry:
    """Pin the certificate the server shows now, if its SHA-256 fingerprint is the one the user checked."""
    pem = fetch_certificate(entry.url)
    if not same_fingerprint(given_fingerprint, pem):
        raise RemoteError(translate(
            "core", "{url} shows a certificate with fingerprint {shown}, not {given}: not trusted.").format(
            url=entry.url, shown=fingerprint(pem), given=given_fingerprint))
    return replace(entry, certificate=pem)


def probe_entry(entry: ServerEntry, keys: KeyStore) -> ServerEntry:
    """Probe the server once and keep the answer with its entry."""
    return probe_with(entry, address_of(entry, keys))


def probe_with(entry: ServerEntry, address: ServerAddress) -> ServerEntry:
    """The same with a key not stored yet (the Add server dialog probes before OK); contexts learned before stay."""
    with open_client(address) as client:
        profile = probe(client, address)
    if entry.server_profile is not None:
        profile = profile.with_learned(entry.server_profile.learned_contexts)
    return replace(entry, profile=profile.to_dict())


def new_entry(name: str, url: str, api_key_env: str | None = None) -> ServerEntry:
    if api_key_env is not None and not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", api_key_env):
        raise RemoteError(translate("core", "Not an environment variable name: “{name}”").format(name=api_key_env))
    return ServerEntry(check_name(name), check_url(url), api_key_env)
