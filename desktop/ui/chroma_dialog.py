"""Notes → Use a Chroma server…: keep the notes' vector index in the data folder or on a Chroma server."""

from PySide6.QtWidgets import (
    QButtonGroup, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton, QRadioButton, QVBoxLayout,
)

from desktop.core.notes.chroma_server import server_certificate
from desktop.core.tls import fingerprint
from desktop.ui.server_dialog import TrustingDialog


class ChromaServerDialog(TrustingDialog):
    """Asks where the index goes; the caller tries it (a job on the notes thread) and keeps it only if it works.

    An https server with its own self-signed certificate: "Trust this server's certificate…" reads it (without
    trusting it) and, once the user has compared its fingerprint, pins it for this server only.
    """

    read_certificate = staticmethod(server_certificate)

    def __init__(self, where: str, url: str | None, has_token: bool, parent=None, certificate: str | None = None):
        super().__init__(parent)
        self.certificate = certificate  # the pinned certificate, kept while the address stays the same
        self._certificate_url = url
        self.setWindowTitle(self.tr("Notes search index"))
        self.setObjectName("chromaServerDialog")
        layout = QVBoxLayout(self)
        current = QLabel(where)
        current.setWordWrap(True)
        current.setObjectName("chromaWhere")
        layout.addWidget(current)
        self.local = QRadioButton(self.tr("Keep the vector index in this computer's data folder"))
        self.local.setObjectName("chromaLocal")
        self.remote = QRadioButton(self.tr("Keep the vector index on a Chroma server"))
        self.remote.setObjectName("chromaRemote")
        group = QButtonGroup(self)
        for button in (self.local, self.remote):
            group.addButton(button)
            layout.addWidget(button)
        form = QFormLayout()
        self.url = QLineEdit(url or "")
        self.url.setObjectName("chromaUrl")
        self.url.setPlaceholderText("http://127.0.0.1:8000")
        self.token = QLineEdit()
        self.token.setObjectName("chromaToken")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("kept (leave empty to keep it)") if has_token else self.tr("optional"))
        form.addRow(self.tr("Server address"), self.url)
        form.addRow(self.tr("Token"), self.token)
        layout.addLayout(form)
        self.trust_button = QPushButton(self.tr("&Trust this server's certificate…"), objectName="chromaTrust")
        self.trusted = QLabel(objectName="chromaTrusted")
        self.trusted.setWordWrap(True)
        self.trusted.setTextFormat(self.trusted.textFormat().PlainText)  # a server's error text is shown as text
        layout.addWidget(self.trust_button)
        layout.addWidget(self.trusted)
        explain = QLabel(self.tr(
            "Your notes stay in notes.db on this computer; the server holds a copy of their vectors, rebuilt "
            "from notes.db. Chroma has no sign-in of its own: the token is sent as a bearer header for a proxy "
            "in front of it, and kept in the system keyring (or a file only you can read)."))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._had_token = has_token
        (self.remote if url else self.local).setChecked(True)
        self.local.toggled.connect(self._enable)
        self.url.textChanged.connect(self._enable)
        self.trust_button.clicked.connect(self.on_trust)
        self.certificateRead.connect(self._on_certificate)
        self._enable()

    def _enable(self) -> None:
        on_server = self.remote.isChecked()
        self.url.setEnabled(on_server)
        self.token.setEnabled(on_server)
        if self.url.text().strip() != self._certificate_url:
            self.certificate = None  # trusted for that address only
        https = on_server and self.url.text().strip().startswith("https://")
        self.trust_button.setVisible(https and self.certificate is None)
        self.trusted.setVisible(https)
        if self.certificate is not None:
            self._say(self.tr("Its own certificate, trusted for this server only: {fingerprint}").format(
                fingerprint=fingerprint(self.certificate)))
        elif not https:
            self._say("")

    def _say(self, text: str) -> None:
        """What the certificate is (or why it could not be read); the dialog grows to it instead of squeezing fields."""
        self._say_in(self.trusted, text)

    def _trusted(self, pem: str) -> None:
        self.certificate, self._certificate_url = pem, self.url.text().strip()
        self._enable()

    def choice(self) -> tuple[str | None, str | None, bool, str | None]:
        """(address or None for the data folder, a newly typed token or None, keep the stored token, the trusted
        certificate or None)."""
        if not self.remote.isChecked():
            return None, None, False, None
        token = self.token.text().strip() or None
        return self.url.text().strip(), token, token is None and self._had_token, self.certificate
