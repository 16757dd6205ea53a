"""Secrets by name (API keys, tokens): the system keyring where one exists, else a 0600 file in the data folder."""

import json
import os
from pathlib import Path

from desktop.core.words import translate


class SecretStore:
    """One kind of secret (`what`, e.g. "API keys"): kept under a keyring service, or in `file` (mode 0600).

    Nothing else in Inkling holds a secret at rest: settings keep only where it lives ("keyring" or "file").
    """

    def __init__(self, file: Path, service: str, what: str):
        self.file = Path(file)
        self.service = service
        self.what = what
        self._keyring = _usable_keyring()

    @property
    def where(self) -> str:
        return "keyring" if self._keyring is not None else "file"

    @property
    def note(self) -> str:
        if self._keyring is not None:
            return translate("core", "{what} are kept in the system keyring.").format(what=self.what)
        return translate("core", "No system keyring here: {what} are kept in {path} (readable only by you, mode 0600).").format(
            what=self.what, path=self.file)

    def put(self, name: str, secret: str) -> str:
        """Keep the secret; returns where it went ("keyring" or "file")."""
        if self._keyring is not None:
            self._keyring.set_password(self.service, name, secret)
            return "keyring"
        secrets = self._read_file()
        secrets[name] = secret
        self._write_file(secrets)
        return "file"

    def get(self, name: str) -> str | None:
        if self._keyring is not None:
            return self._keyring.get_password(self.service, name)
        return self._read_file().get(name)

    def delete(self, name: str) -> None:
        if self._keyring is not None:
            from keyring.errors import PasswordDeleteError

            try:
                self._keyring.delete_password(self.service, name)
            except PasswordDeleteError:
                pass  # nothing stored under that name
        secrets = self._read_file()
        if secrets.pop(name, None) is not None:
            self._write_file(secrets)

    def _read_file(self) -> dict:
        try:
            secrets = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return secrets if isinstance(secrets, dict) else {}

    def _write_file(self, secrets: dict) -> None:
        temporary = self.file.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(secrets, handle)
        os.chmod(temporary, 0o600)  # an older file with wider bits is replaced, not widened
        os.replace(temporary, self.file)


def _usable_keyring():
    """The keyring backend, or None when it is the 'fail' or a plaintext one (no real keyring on this system)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or type(backend).__module__.startswith(("keyrings.alt", "keyring.backends.null")):
        return None
    return backend
