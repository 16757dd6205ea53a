"""Engine → Add server…: name, address and key; one probe (off the GUI thread) shows what the server can do."""

import threading
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QVBoxLayout,
)

from desktop.core.engine.remote.http import ServerAddress, fetch_certificate, fingerprint, plain_http_warning
from desktop.core.engine.remote.servers import KeyStore, ServerEntry, new_entry, probe_with
from desktop.core.errors import InklingError
from desktop.ui.language import said


class TrustingDialog(QDialog):
    """A dialog for a server that may show its own self-signed certificate. "Trust this server's certificate…"
    (its `trust_button`, for the address in its `url` field) reads it off the GUI thread; once the user has
    compared its fingerprint, the subclass's `_trusted(pem)` pins it; a reason it could not be read goes to its
    `_say(text)`. What the dialog says grows it (`_say_in`) instead of squeezing its fields."""

    certificateRead = Signal(object, object)  # the certificate the server shows (PEM) or None, error text or None
    read_certificate = staticmethod(fetch_certificate)  # url -> PEM, without trusting it

    def _say_in(self, label: QLabel, text: str) -> None:
        label.setText(text)
        if self.isVisible():  # only ever larger: a size the user chose stays
            hint = self.sizeHint()
            self.resize(max(self.width(), hint.width()), max(self.height(), hint.height()))

    @Slot()
    def on_trust(self) -> None:
        self.trust_button.setEnabled(False)
        read_in_background(self.read_certificate, self.url.text().strip(), self.certificateRead)

    @Slot(object, object)
    def _on_certificate(self, pem: str | None, error: str | None) -> None:
        self.trust_button.setEnabled(True)
        if pem is None:
            self._say(error)
        elif self.confirm_certificate(fingerprint(pem)):
            self._trusted(pem)

    def confirm_certificate(self, shown: str) -> bool:
        return confirm_certificate(self, shown)


class AddServerDialog(TrustingDialog):
    """Asks, probes once, and on OK stores the key (keyring or 0600 file) and returns the probed entry."""

    probed = Signal(object, object)  # the entry probed (ServerEntry with its profile) or None, error text or None

    def __init__(self, keys: KeyStore, taken: set[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add server"))
        self.keys = keys
        self.taken = taken
        self.entry: ServerEntry | None = None
        self.certificate: str | None = None  # a self-signed certificate the user trusted for this server
        self.name = QLineEdit(objectName="serverName", placeholderText="gpu-box")
        self.url = QLineEdit(objectName="serverUrl", placeholderText="http://127.0.0.1:8080")
        self.key = QLineEdit(objectName="serverKey", placeholderText=self.tr("optional"))
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.probe_button = QPushButton(self.tr("&Probe"), objectName="probeServer")
        self.trust_button = QPushButton(self.tr("&Trust this server's certificate…"), objectName="trustCertificate")
        self.trust_button.setVisible(False)
        self.result = QLabel(self.tr("Inkling asks the server once what it is and what it can do."), objectName="probeResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(self.result.textFormat().PlainText)  # a server's answer is shown as text only
        note = QLabel(said(keys.note))
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Name"), self.name)
        form.addRow(self.tr("&Address"), self.url)
        form.addRow(self.tr("API &key"), self.key)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.probe_button)
        layout.addWidget(self.trust_button)
        layout.addWidget(self.result)
        layout.addWidget(self.buttons)
        self.probe_button.clicked.connect(self.on_probe)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.probed.connect(self._on_probed)
        self.trust_button.clicked.connect(self.on_trust)
        self.certificateRead.connect(self._on_certificate)
        self.url.textEdited.connect(self._forget_certificate)
        for field in (self.name, self.url, self.key):
            field.textEdited.connect(self._on_changed)

    def _say(self, text: str) -> None:
        """The probe's answer; the dialog grows to it (a wrapped label does not, and squeezed the fields)."""
        self._say_in(self.result, text)

    @Slot()
    def _on_changed(self) -> None:
        self.entry = None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    @Slot()
    def on_probe(self) -> None:
        name, url, key = self.name.text().strip(), self.url.text().strip(), self.key.text().strip()
        try:
            if name in self.taken:
                raise InklingError(self.tr("A server named “{name}” exists already.").format(name=name))
            entry = replace(new_entry(name, url), certificate=self.certificate)
        except InklingError as error:
            self._say(said(error))
            return
        self.probe_button.setEnabled(False)
        self._say(self.tr("Asking {address}…").format(address=entry.url))
        # the probe waits on the network: a plain thread, whose answer comes back as a queued signal
        threading.Thread(target=self._probe, args=(entry, key), daemon=True, name="inkling-probe").start()

    def _probe(self, entry: ServerEntry, key: str) -> None:
        try:
            probed = probe_with(entry, ServerAddress(entry.url, key or None, pinned_certificate=entry.certificate))
        except InklingError as error:
            self.probed.emit(None, said(error))
            return
        self.probed.emit(probed, None)

    @Slot(object, object)
    def _on_probed(self, entry: ServerEntry | None, error: str | None) -> None:
        self.probe_button.setEnabled(True)
        if entry is None:
            self._say(self.tr("Probe failed: {error}").format(error=error))
            # any failed https probe may be an untrusted certificate: the button reads it and shows its fingerprint
            self.trust_button.setVisible(self.url.text().strip().startswith("https://") and self.certificate is None)
            return
        profile = entry.server_profile
        lines = [self.tr("{kind} · models: {models}").format(kind=profile.kind, models=", ".join(profile.models)),
                 said(profile.capability_line)]
        if entry.certificate:
            lines.append(self.tr("Its own certificate, trusted for this server only: {fingerprint}").format(
                fingerprint=fingerprint(entry.certificate)))
        warning = plain_http_warning(entry.url)
        if warning:
            lines.append(f"⚠ {said(warning)}")
        self._say("\n".join(lines))
        self.entry = entry
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)

    @Slot()
    def _forget_certificate(self) -> None:
        self.certificate = None
        self.trust_button.setVisible(False)

    def _trusted(self, pem: str) -> None:
        self.certificate = pem
        self.trust_button.setVisible(False)
        self.on_probe()

    def accept(self) -> None:
        if self.entry is None:
            return
        key = self.key.text().strip()
        if key:
            self.entry = replace(self.entry, key_in=self.keys.put(self.entry.name, key))
        super().accept()


def confirm_certificate(parent, shown: str) -> bool:
    """The user compares the fingerprint with the server's own and trusts it for this server only (any server)."""
    answer = QMessageBox.question(parent, QCoreApplication.translate("AddServerDialog", "Trust this certificate?"),
                                  QCoreApplication.translate("AddServerDialog",
        "The server shows a certificate that no authority vouches for. Its SHA-256 fingerprint is\n\n{fingerprint}"
        "\n\nCompare it with the one on the server (openssl x509 -noout -fingerprint -sha256 -in cert.pem). "
        "Trust it for this server only? If the certificate changes later, Inkling refuses the server again."
    ).format(fingerprint=shown))
    return answer == QMessageBox.StandardButton.Yes


def read_in_background(fetch, url: str, done) -> None:
    """Read a server's certificate off the GUI thread (it waits on the network); `done` (a signal) gets the PEM
    and None, or None and the reason in words."""
    def read() -> None:
        try:
            done.emit(fetch(url), None)
        except InklingError as error:
            done.emit(None, said(error))

    threading.Thread(target=read, daemon=True, name="inkling-certificate").start()
