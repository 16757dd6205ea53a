"""Widgets of the per-token view inside a reply: the heatmap text, its legend, branch arrows and the reply summary."""

import html
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPalette, QTextCharFormat, QTextCursor, QTextLine
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QTextEdit, QToolButton, QToolTip, QVBoxLayout, QWidget

from desktop.core.probability.grouping import Cell
from desktop.core.probability.heatmap import (
    LEGEND_TICKS, cell_tooltip_html, gradient_stops, heatmap_cells, heatmap_html, percent, swatch, token_at, visible,
)
from desktop.core.probability.summary import ReplySummary
from desktop.ui.help import tip
from desktop.ui.inert import InertTextBrowser


class TokenBrowser(InertTextBrowser):
    """A reply's tokens coloured by probability: hover shows a token, a click or the arrow keys select one.

    The document is built once from HTML (one span per token); selection is an extra selection
    drawn over it, so moving it never touches the document.
    """

    tokenSelected = Signal(int)  # token index, from a click or a key
    toPanel = Signal()  # Enter or Down: move the keyboard to the selected token's alternatives

    def __init__(self, tooltip: Callable[[int], str], parent=None):
        super().__init__(parent)
        self.setObjectName("tokenHeatmap")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("Reply tokens coloured by probability"))
        self._tooltip = tooltip
        self.starts = np.zeros(1, dtype=np.int64)
        # Byte tokens of one character are drawn as one cell (core.probability.grouping); token indices stay
        # what signals carry, so any part can still be selected (the arrow keys step through the parts).
        self.cells: list[Cell] = []
        self.cell_of: list[int] = []  # token index -> cell index
        self._texts: list[str] = []
        self._probabilities: list[float] = []  # what the colours show, for the parts in a cell's tooltip
        self._pending = 0  # first token whose character may still be completed by tokens to come
        self.selected: int | None = None
        self.viewport().installEventFilter(self)

    def __len__(self) -> int:
        return len(self.starts) - 1

    def set_tokens(self, texts: list[str], probabilities: np.ndarray) -> None:
        built = heatmap_html(texts, probabilities)
        self._texts, self._probabilities = list(texts), [float(p) for p in probabilities]
        self.starts, self._pending = built.starts, built.pending
        self._set_cells(built.cells, 0)
        self.document().setHtml(built.html)
        self._show_selection()

    def append_tokens(self, texts: list[str], probabilities) -> None:
        """Streaming: add tokens at the end without rebuilding what is there.

        Only the trailing byte tokens still waiting for the rest of their character are drawn again,
        so a character cut into byte tokens turns into one cell as soon as its last byte arrives.
        """
        self._texts += texts
        self._probabilities += [float(p) for p in probabilities]
        redo = self._pending
        cursor = QTextCursor(self.document())
        cursor.setPosition(int(self.starts[redo]))
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        laid = heatmap_cells(self._texts[redo:], self._probabilities[redo:])
        for shown, probability in laid.pieces:
            colours = swatch(probability)
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(colours.background))
            fmt.setForeground(QColor(colours.foreground))
            cursor.insertText(shown.replace("\n", "\u2028"), fmt)  # a line break inside the block, as <br> gives
        self.starts = np.concatenate([self.starts[:redo], laid.starts + self.starts[redo]])
        self._pending = redo + laid.pending
        self._set_cells([Cell(c.first + redo, c.end + redo, c.text) for c in laid.cells], redo)

    def _set_cells(self, cells: list[Cell], first_token: int) -> None:
        """Cells from token first_token on replace those there were (all of them when it is 0)."""
        kept = self.cells[:self.cell_of[first_token]] if first_token < len(self.cell_of) else self.cells
        self.cells = kept + cells
        self.cell_of = self.cell_of[:first_token] + [len(kept) + n for n, c in enumerate(cells) for _ in range(c.parts)]

    def cell_tooltip(self, index: int) -> str:
        """The hover text at token `index`: its own, or for a character made of byte tokens, the character and its parts."""
        cell = self.cells[self.cell_of[index]]
        if cell.parts == 1:
            return self._tooltip(index)
        parts = [(self._texts[t], self._probabilities[t]) for t in range(cell.first, cell.end)]
        return cell_tooltip_html(cell.text, parts, self.tr("= product of {count} tokens"))

    # --- selection --------------------------------------------------------------------------------
    def select(self, index: int | None) -> None:
        self.selected = index if index is not None and 0 <= index < len(self) else None
        self._show_selection()

    def _show_selection(self) -> None:
        if self.selected is None or self.selected >= len(self):
            self.setExtraSelections([])
            return
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cell = self.cells[self.cell_of[self.selected]]  # a part of a character highlights the whole character
        cursor.setPosition(int(self.starts[cell.first]))
        cursor.setPosition(int(self.starts[cell.end]), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(self.palette().color(QPalette.ColorRole.Highlight))
        fmt.setForeground(self.palette().color(QPalette.ColorRole.HighlightedText))
        fmt.setFontUnderline(True)
        selection.format = fmt
        self.setExtraSelections([selection])

    def token_rect(self, index: int) -> QRectF:
        """Where token `index` starts, in viewport coordinates (for tests and tooltips)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(int(self.starts[index]))
        return QRectF(self.cursorRect(cursor))

    # --- hit testing --------------------------------------------------------------------------------
    def token_at_point(self, point: QPointF) -> int | None:
        """The token under a viewport point, or None over empty space."""
        document = self.document()
        x = point.x() + self.horizontalScrollBar().value()
        y = point.y() + self.verticalScrollBar().value()
        hit = document.documentLayout().hitTest(QPointF(x, y), Qt.HitTestAccuracy.ExactHit)
        if hit < 0:
            return None
        block = document.findBlock(hit)
        layout = block.layout()
        origin = layout.position()
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            if line.y() + origin.y() <= y < line.y() + origin.y() + line.height():
                offset = line.xToCursor(x - origin.x(), QTextLine.CursorPosition.CursorOnCharacter)
                return token_at(self.starts, block.position() + offset)
        return None

    def eventFilter(self, watched, event):  # noqa: N802 (Qt override)
        # A filter, not a viewportEvent override: that would run every paint inside a Python call,
        # holding the GIL the engine thread needs between tokens.
        if event.type() != QEvent.Type.ToolTip or watched is not self.viewport():
            return False
        index = self.token_at_point(QPointF(event.pos()))  # a QHelpEvent has only the integer position
        if index is None:
            QToolTip.hideText()
            event.ignore()
        else:
            QToolTip.showText(event.globalPos(), self.cell_tooltip(index), self.viewport())
        return True

    def mouseReleaseEvent(self, event):  # noqa: N802
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            index = self.token_at_point(event.position())
            if index is not None:
                self.select(index)
                self.tokenSelected.emit(index)

    def keyPressEvent(self, event):  # noqa: N802
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}
        if event.key() in steps and len(self):
            current = self.selected if self.selected is not None else (-1 if steps[event.key()] > 0 else len(self))
            index = min(max(current + steps[event.key()], 0), len(self) - 1)
            self.select(index)
            self.tokenSelected.emit(index)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down) and self.selected is not None:
            self.toPanel.emit()
            return
        super().keyPressEvent(event)


class HeatmapLegend(QWidget):
    """The colour scale: a gradient from 0% to 100% with ticks, as drawn in the transcript."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("heatmapLegend")
        self.setToolTip(self.tr("Each token of a reply is coloured by its probability under the model"))
        self.setMinimumSize(220, 30)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def paintEvent(self, _event):  # noqa: N802
        painter = QPainter(self)
        metrics = painter.fontMetrics()
        bar = QRectF(8, 2, self.width() - 16, self.height() - metrics.height() - 4)
        gradient = QLinearGradient(bar.topLeft(), bar.topRight())
        for position, colour in gradient_stops():
            gradient.setColorAt(position, QColor(colour))
        painter.fillRect(bar, gradient)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        for tick in LEGEND_TICKS:
            label = f"{tick:.0%}"
            x = bar.left() + tick * bar.width() - metrics.horizontalAdvance(label) / 2
            painter.drawText(QPointF(max(0.0, min(x, self.width() - metrics.horizontalAdvance(label))), self.height() - 2), label)
        painter.end()


class BranchNavigator(QWidget):
    """`‹ 2/3 ›`: which of a message's alternatives is shown; the arrows switch the rest of the conversation."""

    switchTo = Signal(int)  # message id

    def __init__(self, sibling_ids: list[int], current: int, view: QWidget, parent=None):
        super().__init__(parent)
        self.setObjectName("branchNavigator")
        self.view = view  # the message view it decorates
        self.sibling_ids = sibling_ids
        self.index = sibling_ids.index(current)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.previous = self._arrow("‹", self.tr("Previous branch"), -1)
        self.label = QLabel(f"{self.index + 1}/{len(sibling_ids)}")
        self.label.setObjectName("branchPosition")
        self.next = self._arrow("›", self.tr("Next branch"), 1)
        layout.addWidget(self.previous)
        layout.addWidget(self.label)
        layout.addWidget(self.next)
        self.previous.setEnabled(self.index > 0)
        self.next.setEnabled(self.index < len(sibling_ids) - 1)

    def _arrow(self, text: str, name: str, step: int) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setAccessibleName(name)
        button.setToolTip(name)
        button.setAutoRaise(True)
        button.clicked.connect(lambda: self.step(step))
        return button

    def step(self, step: int) -> None:
        target = self.index + step
        if 0 <= target < len(self.sibling_ids):
            self.switchTo.emit(self.sibling_ids[target])


class ReplySummaryView(QWidget):
    """Under a reply, collapsed by default: mean log-probability, perplexity, the least-confident spans."""

    tokenSelected = Signal(int)

    def __init__(self, summary: ReplySummary, parent=None):
        super().__init__(parent)
        self.setObjectName("replySummary")
        self.summary = summary
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.toggle = QToolButton()
        self.toggle.setObjectName("summaryToggle")
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setText(
            self.tr("Confidence: mean log-prob {mean} · perplexity {perplexity} · {count} tokens").format(
                mean=f"{summary.mean_logprob:.2f}", perplexity=f"{summary.perplexity:.2f}", count=summary.n_tokens)
        )
        self.toggle.setToolTip(self.tr("mean log-prob: {mean}\nperplexity: {perplexity}").format(
            mean=tip("mean log-prob"), perplexity=tip("perplexity")))
        self.toggle.toggled.connect(self._expand)
        # One wrapping label of links, not a row of buttons: a row would force the transcript wider.
        links = " &nbsp; ".join(
            f"<a href='{span.weakest}'>“{html.escape(visible(span.text.strip()), quote=False)}”</a> {percent(span.probability)}"
            for span in summary.least_confident
        )
        self.details = QLabel(self.tr("Least confident: {links}").format(links=links))
        self.details.setObjectName("leastConfident")
        self.details.setWordWrap(True)
        self.details.setContentsMargins(16, 0, 0, 0)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.details.setToolTip(self.tr("Click a word to select its least likely token"))
        self.details.linkActivated.connect(lambda href: self.tokenSelected.emit(int(href)))
        self.details.setVisible(False)
        layout.addWidget(self.toggle)
        layout.addWidget(self.details)

    def _expand(self, expanded: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.details.setVisible(expanded)
