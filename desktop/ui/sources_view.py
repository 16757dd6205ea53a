"""The Sources row under an answer, and [n] markers in the answer turned into links to those sources."""

import html
import re

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

SOURCE_SCHEME = "inkling-source"
_CITATION = re.compile(r"\[(\d{1,2})\]")


class SourcesRow(QWidget):
    """“Sources: [1] title 0.62 · [2] …”; hovering shows the snippet, clicking asks to open the note there."""

    sourceClicked = Signal(int, int)  # note id, chunk number

    def __init__(self, sources: list[dict], parent=None):
        super().__init__(parent)
        self.setObjectName("sourcesRow")
        self.sources = sources
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        label = QLabel(self.tr("Sources:"))
        label.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(label)
        self.buttons: list[QPushButton] = []
        for n, source in enumerate(sources, start=1):
            button = QPushButton(f"[{n}] {source['title']} · {source['score']:.2f}")
            button.setObjectName(f"source-{n}")
            button.setFlat(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            button.setToolTip(
                self.tr("<b>{title}</b> — chunk {chunk}, match {score}").format(
                    title=html.escape(source['title'], quote=False), chunk=source['chunk'] + 1, score=f"{source['score']:.2f}")
                + f"<br>{html.escape(source['snippet'], quote=False)}"
            )
            button.clicked.connect(lambda _=False, s=source: self.sourceClicked.emit(s["note_id"], s["chunk"]))
            layout.addWidget(button)
            self.buttons.append(button)
        layout.addStretch(1)


def link_citations(browser, count: int) -> int:
    """Make each [n] (1 <= n <= count) in the browser's text a link to source n; returns how many were linked."""
    document = browser.document()
    text = document.toPlainText()
    linked = 0
    for match in _CITATION.finditer(text):
        n = int(match.group(1))
        if not 1 <= n <= count:
            continue
        cursor = QTextCursor(document)
        cursor.setPosition(match.start())
        cursor.setPosition(match.end(), QTextCursor.MoveMode.KeepAnchor)
        link = QTextCharFormat()
        link.setAnchor(True)
        link.setAnchorHref(f"{SOURCE_SCHEME}:{n}")
        link.setFontUnderline(True)
        link.setForeground(browser.palette().link())
        link.setToolTip(QCoreApplication.translate("SourcesRow", "Source {n}").format(n=n))
        cursor.mergeCharFormat(link)
        linked += 1
    return linked
