"""Views of untrusted text (model output, notes, imports) that never open a file or URL."""

import html

from PySide6.QtCore import QUrl, Qt
from PySide6.QtGui import QColor, QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import QFrame, QLabel, QMessageBox, QSizePolicy, QTextBrowser

SAFE_LINK_SCHEMES = {"http", "https", "mailto"}
PLACEHOLDER_SIZE = 12


def _placeholder() -> QImage:
    image = QImage(PLACEHOLDER_SIZE, PLACEHOLDER_SIZE, QImage.Format.Format_ARGB32)
    image.fill(QColor(128, 128, 128, 90))
    return image


class InertDocument(QTextDocument):
    """A document whose resources are never fetched.

    Qt's own fallback reads `file:` and relative URLs from disk when a loader returns nothing
    (and its image handler loads the file directly when the resource is not an image), so this
    answers every request itself: a grey square for an image, nothing for anything else.
    """

    def loadResource(self, resource_type, url):  # noqa: N802 (Qt override)
        if resource_type == QTextDocument.ResourceType.ImageResource.value:
            return _placeholder()
        return b""


class InertTextBrowser(QTextBrowser):
    """Shows untrusted text: its document loads nothing, and links open only on a click, in the browser."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDocument(InertDocument(self))
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._open_link)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)

    def loadResource(self, resource_type, url):  # noqa: N802 (Qt override)
        return self.document().loadResource(resource_type, url)

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in SAFE_LINK_SCHEMES:
            QDesktopServices.openUrl(url)

    def _fit_height(self, *_):
        margins = self.contentsMargins()
        self.setFixedHeight(int(self.document().size().height()) + margins.top() + margins.bottom() + 2)

    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        self._fit_height()


def plain_label(text: str = "") -> QLabel:
    """A label for text that is not ours (titles, file names, errors): never parsed as rich text."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_tip(text: str) -> str:
    """A tooltip that shows the text as it is: Qt would parse text that looks like HTML (and load its images)."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


class ElidedLabel(QLabel):
    """One line of plain text at a fixed height, cut with "…" to the width; the whole text is its tooltip.

    A label that can shrink: a plain QLabel is never narrower than its text, so one long name (a server's model
    path) widened the whole transcript past its window."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the user's and the model's text
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.full_text = ""
        self.set_full_text(text)

    def setFont(self, font) -> None:  # noqa: N802 (Qt override: the height and the cut follow the font)
        super().setFont(font)
        self._elide()

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(plain_tip(text) if text else "")
        self._elide()

    def resizeEvent(self, event):  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setFixedHeight(self.fontMetrics().height())
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight, max(self.width(), 1)))


def message_box(parent, icon: QMessageBox.Icon, title: str, text: str,
                buttons=QMessageBox.StandardButton.Ok) -> QMessageBox.StandardButton:
    """A modal message whose text is shown as plain text (errors quote file names and model output)."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return QMessageBox.StandardButton(box.exec())
