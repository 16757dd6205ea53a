"""Engine → Add server…: name, address and key; one probe (off the GUI thread) shows what the server can do."""

import threading
from dataclasses import replace

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout,
)

from desktop.core.engine.remote.http import ServerAddress, plain_http_warning
from desktop.core.engine.remote.servers import KeyStore, ServerEntry, new_entry, probe_with
from desktop.core.errors import InklingError


class AddServerDialog(QDialog):
    """Asks, probes once, and on OK stores the key (keyring or 0600 file) and returns the probed entry."""

    probed = Signal(object, object)  # the entry probed (ServerEntry with its profile) or None, error text or None

    def __init__(self, keys: KeyStore, taken: set[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Add server")
        self.keys = keys
        self.taken = taken
        self.entry: ServerEntry | None = None
        self.name = QLineEdit(objectName="serverName", placeholderText="gpu-box")
        self.url = QLineEdit(objectName="serverUrl", placeholderText="http://127.0.0.1:8080")
        self.key = QLineEdit(objectName="serverKey", placeholderText="optional")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.probe_button = QPushButton("&Probe", objectName="probeServer")
        self.result = QLabel("Inkling asks the server once what it is and what it can do.", objectName="probeResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(self.result.textFormat().PlainText)  # a server's answer is shown as text only
        note = QLabel(keys.note)
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Address", self.url)
        form.addRow("API &key", self.key)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.probe_button)
        layout.addWidget(self.result)
        layout.addWidget(self.buttons)
        self.probe_button.clicked.connect(self.on_probe)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.probed.connect(self._on_probed)
        for field in (self.name, self.url, self.key):
            field.textEdited.connect(self._on_changed)

    @Slot()
    def _on_changed(self) -> None:
        self.entry = None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    @Slot()
    def on_probe(self) -> None:
        name, url, key = self.name.text().strip(), self.url.text().strip(), self.key.text().strip()
        try:
            if name in self.taken:
                raise InklingError(f"A server named {name!r} exists already.")
            entry = new_entry(name, url)
        except InklingError as error:
            self.result.setText(str(error))
            return
        self.probe_button.setEnabled(False)
        self.result.setText(f"Asking {entry.url}…")
        # the probe waits on the network: a plain thread, whose answer comes back as a queued signal
        threading.Thread(target=self._probe, args=(entry, key), daemon=True, name="inkling-probe").start()

    def _probe(self, entry: ServerEntry, key: str) -> None:
        try:
            probed = probe_with(entry, ServerAddress(entry.url, key or None))
        except InklingError as error:
            self.probed.emit(None, str(error))
            return
        self.probed.emit(probed, None)

    @Slot(object, object)
    def _on_probed(self, entry: ServerEntry | None, error: str | None) -> None:
        self.probe_button.setEnabled(True)
        if entry is None:
            self.result.setText(f"Probe failed: {error}")
            return
        profile = entry.server_profile
        lines = [f"{profile.kind} · models: {', '.join(profile.models)}", profile.capability_line]
        warning = plain_http_warning(entry.url)
        if warning:
            lines.append(f"⚠ {warning}")
        self.result.setText("\n".join(lines))
        self.entry = entry
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)

    def accept(self) -> None:
        if self.entry is None:
            return
        key = self.key.text().strip()
        if key:
            self.entry = replace(self.entry, key_in=self.keys.put(self.entry.name, key))
        super().accept()

