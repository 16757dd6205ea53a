"""Notes → Use a Chroma server…: keep the notes' vector index in the data folder or on a Chroma server."""

from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QRadioButton, QVBoxLayout,
)


class ChromaServerDialog(QDialog):
    """Asks where the index goes; the caller tries it (a job on the notes thread) and keeps it only if it works."""

    def __init__(self, where: str, url: str | None, has_token: bool, parent=None):
        super().__init__(parent)
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
        self._enable()

    def _enable(self) -> None:
        on_server = self.remote.isChecked()
        self.url.setEnabled(on_server)
        self.token.setEnabled(on_server)

    def choice(self) -> tuple[str | None, str | None, bool]:
        """(address or None for the data folder, a newly typed token or None, keep the stored token)."""
        if not self.remote.isChecked():
            return None, None, False
        token = self.token.text().strip() or None
        return self.url.text().strip(), token, token is None and self._had_token
