"""The context budget meter under the composer: a bar split into prompt parts and reply room, and a warning."""

from PySide6.QtCore import QT_TRANSLATE_NOOP, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop.core.prompt.budget import BudgetSplit
from desktop.ui.inert import ElidedLabel, plain_label
from desktop.ui.theme import blend
from desktop.ui.language import said

# Shared with the prompt inspector, so a part has one colour everywhere.
PART_COLOURS = {
    "system": "#8e7cc3",
    "notes": "#e69138",
    "history": "#6fa8dc",
    "message": "#38a169",
    "framing": "#a0a0a0",
}
# Shown through QCoreApplication.translate("BudgetMeter", label).
PART_LABELS = {"system": QT_TRANSLATE_NOOP("BudgetMeter", "System"), "notes": QT_TRANSLATE_NOOP("BudgetMeter", "Notes"),
               "history": QT_TRANSLATE_NOOP("BudgetMeter", "History"), "message": QT_TRANSLATE_NOOP("BudgetMeter", "Message"),
               "framing": QT_TRANSLATE_NOOP("BudgetMeter", "Template"), "reply": QT_TRANSLATE_NOOP("BudgetMeter", "Reply room")}
PART_TIPS = {
    "framing": QT_TRANSLATE_NOOP("BudgetMeter", "The chat template's own tokens around the next turn: the markers that open your message and the reply"),
}
EMPTY_SHARE = 0.15  # the bar's free part: the window colour a little towards the text colour, in either theme


class BudgetBar(QWidget):
    """Segments proportional to the context window; the reply's reserved minimum is marked with a line."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("budgetBar")
        self.setFixedHeight(10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.segments: list[tuple[str, int]] = []
        self.n_ctx = 0
        self.reserve = 0

    def set_segments(self, segments: list[tuple[str, int]], n_ctx: int, reserve: int) -> None:
        self.segments, self.n_ctx, self.reserve = segments, n_ctx, reserve
        self.update()

    def paintEvent(self, _event):  # noqa: N802 (Qt override)
        painter = QPainter(self)
        width, height = self.width(), self.height()
        painter.fillRect(self.rect(), blend(self.palette(), EMPTY_SHARE))
        if self.n_ctx > 0:
            x = 0.0
            for part, tokens in self.segments:
                span = width * tokens / self.n_ctx
                painter.fillRect(QRectF(x, 0, span, height), QColor(PART_COLOURS[part]))
                x += span
            marker = width * (self.n_ctx - self.reserve) / self.n_ctx
            painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            painter.drawLine(int(marker), 0, int(marker), height)
        painter.end()


class BudgetMeter(QWidget):
    """Always under the composer; the window feeds it a BudgetSplit whenever the typed text or the context changes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("budgetMeter")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.setSpacing(2)
        self.bar = BudgetBar()
        self.bar.setAccessibleName(self.tr("Context budget"))
        self.legend = FittedLegend()
        self.total = plain_label()  # a figure, never parsed as rich text
        self.total.setObjectName("budgetTotal")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.legend, 1)
        row.addWidget(self.total)
        # One line that is always there, empty or not: a warning coming and going never moves the
        # transcript or the composer. A long warning is cut with "…"; the whole of it is the tooltip.
        self.warning = ElidedLabel()
        self.warning.setObjectName("budgetWarning")
        layout.addWidget(self.bar)
        layout.addLayout(row)
        layout.addWidget(self.warning)
        self.split: BudgetSplit | None = None
        self.show_problem(self.tr("Context budget: waiting for the model…"))

    def show_split(self, split: BudgetSplit) -> None:
        self.split = split
        parts = [("system", split.system), ("notes", split.notes), ("history", split.history), ("message", split.message),
                 ("framing", split.framing)]
        self.bar.set_segments(parts, split.n_ctx, split.reserve)
        entries = [(part, self.tr(PART_LABELS[part]), f"{'~' if part == 'notes' and tokens else ''}{tokens:,}")
                   for part, tokens in parts if tokens or part == "message"]  # an empty part is only noise
        self.legend.set_entries(entries)
        self.legend.setToolTip("\n".join([f"{label} {count}" for _part, label, count in entries]
                                         + [f"{self.tr(PART_LABELS['framing'])}: {self.tr(PART_TIPS['framing'])}"]))
        size = self.tr("{size} (assumed)").format(size=f"{split.n_ctx:,}") if split.context_assumed else f"{split.n_ctx:,}"
        self.total.setText(self.tr("Reply room {room} / {size}").format(room=f"{split.reply_room:,}", size=size)
                           + (self.tr(" ≈ estimated") if split.estimated else ""))
        self.total.setToolTip(
            self.tr("{room} of the context's {size} tokens are left for the reply. {used} tokens of prompt; at least "
                    "{reserve} are always kept free for the reply (the line on the bar). Notes are an estimate until "
                    "they are retrieved when you send.").format(
                room=f"{split.reply_room:,}", size=f"{split.n_ctx:,}", used=f"{split.used:,}", reserve=f"{split.reserve:,}")
            + (self.tr(" This server cannot count tokens (no /tokenize): every count is an estimate at about 4 bytes a token.")
               if split.estimated else "")
            + (self.tr(" The server does not say how large its context is: {size} tokens is a guess until it refuses a "
                       "longer prompt, and then the size it names is used.").format(size=f"{split.n_ctx:,}")
               if split.context_assumed else "")
        )
        if split.too_long:
            self._warn(said(split.too_long), error=True)
        elif split.dropped_turns:
            count = len(split.dropped_turns)
            names = ", ".join(f"“{turn}”" for turn in split.dropped_turns[:3]) + (" …" if count > 3 else "")
            self._warn(self.tr("The conversation no longer fits: sending will leave out the %n oldest turn(s) "
                               "({messages} messages): {names}", "", count).format(messages=split.dropped_messages, names=names))
        else:
            self.warning.set_full_text("")

    def show_problem(self, text: str) -> None:
        """No budget to show (no model yet, a server that can't be asked): the reason, on the line that is cut to fit."""
        self.split = None
        self.bar.set_segments([], 0, 0)
        self.legend.set_entries([])
        self.total.setText("")
        self.total.setToolTip("")
        self.warning.setStyleSheet("")
        self.warning.set_full_text(text)

    def _warn(self, text: str, error: bool = False) -> None:
        self.warning.setStyleSheet(f"color: {'#e5484d' if error else '#d97706'};")  # readable on light and dark
        self.warning.set_full_text(text)


class FittedLegend(QLabel):
    """The parts with their token counts, made to fit the width: with their names, else only colour and count, else
    the first ones and "…". Never cut through a number (a cut "11" would read "1"); the tooltip has them all."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("budgetLegend")
        self.setTextFormat(Qt.TextFormat.RichText)
        # never widens the chat column (which would squeeze the conversation list)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.entries: list[tuple[str, str, str]] = []  # part, its name, its count as shown

    def set_entries(self, entries: list[tuple[str, str, str]]) -> None:
        self.entries = entries
        self._fit()

    def resizeEvent(self, event):  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        metrics, width = self.fontMetrics(), self.width()
        named = [f"■ {label} {count}" for _part, label, count in self.entries]
        bare = [f"■ {count}" for _part, _label, count in self.entries]
        if metrics.horizontalAdvance("  ".join(named)) <= width:
            shown, with_names = len(self.entries), True
        else:
            with_names, shown = False, len(self.entries)
            while shown and metrics.horizontalAdvance("  ".join(bare[:shown] + (["…"] if shown < len(bare) else []))) > width:
                shown -= 1
        html = "&nbsp;&nbsp;".join(
            f"<span style='color:{PART_COLOURS[part]}'>■</span>&nbsp;" + (f"{label}&nbsp;" if with_names else "") + count
            for part, label, count in self.entries[:shown])
        more = shown < len(self.entries) and metrics.horizontalAdvance("  …" if shown else "…") <= width
        self.setText(html + (("&nbsp;&nbsp;…" if shown else "…") if more else ""))
