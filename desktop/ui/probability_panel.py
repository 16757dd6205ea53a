"""The Probability side panel: the selected token, its alternatives as bars, the what-if distribution, branching."""

import math

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView, QGridLayout, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QSlider, QStyle,
    QStyledItemDelegate, QVBoxLayout, QWidget,
)

from desktop.core.probability.heatmap import percent, visible
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.probability.whatif import PositionView
from desktop.ui.sampling_panel import SLIDER_STEPS
from desktop.ui.inert import plain_label, plain_tip

ROW = Qt.ItemDataRole.UserRole
# Okabe-Ito blue and orange: distinguishable with every common colour-vision deficiency.
MODEL_COLOUR = QColor("#0072b2")
WHATIF_COLOUR = QColor("#e69f00")
LABEL_SHARE = 0.36
SELECT_HINT = QT_TRANSLATE_NOOP("ProbabilityPanel", "Select a token: turn on the heatmap (Ctrl+H) and click a token of a reply.")


def describe(settings: SamplerSettings, temperature: bool = True) -> str:
    """The sampler chain that runs, every stage named: a hidden stage made the view contradict itself."""
    off = QCoreApplication.translate("ProbabilityPanel", "off")
    parts = [f"T {settings.temperature:.2f}"] if temperature else []
    parts += [f"top-k {settings.top_k or off}", f"top-p {settings.top_p:.2f}", f"min-p {settings.min_p:.2f}",
              QCoreApplication.translate("ProbabilityPanel", "repeat penalty {value}").format(
                  value=f"{settings.repeat_penalty:.2f}" if settings.repeat_penalty != 1.0 else off)]
    return " · ".join(parts)


def token_label(text: str, eog: bool) -> str:
    return visible(text) + QCoreApplication.translate("ProbabilityPanel", "  (end of text)") if eog else visible(text)


class BarDelegate(QStyledItemDelegate):
    """Draws a row: the token, a bar of its probability under the model, and one under the what-if settings."""

    def sizeHint(self, option, index):  # noqa: N802
        return QSize(200, option.fontMetrics.height() + 8)

    def paint(self, painter, option, index):
        row = index.data(ROW)
        if row is None:
            return super().paint(painter, option, index)
        label, model, whatif, mark, chosen = row
        painter.save()
        palette = option.palette
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight))
            text_colour = palette.color(QPalette.ColorRole.HighlightedText)
        else:
            text_colour = palette.color(QPalette.ColorRole.Text)
        rect = QRectF(option.rect).adjusted(4, 2, -4, -2)
        label_width = rect.width() * LABEL_SHARE
        bar_width = (rect.width() - label_width) / 2
        font = QFont(option.font)
        font.setBold(chosen)
        painter.setFont(font)
        painter.setPen(text_colour)
        shown = ("▶ " if chosen else "") + label + (f"  ✕ {mark}" if mark else "")
        elided = option.fontMetrics.elidedText(shown, Qt.TextElideMode.ElideRight, int(label_width) - 4)
        painter.drawText(QRectF(rect.left(), rect.top(), label_width, rect.height()), Qt.AlignmentFlag.AlignVCenter, elided)
        for column, (value, colour) in enumerate(((model, MODEL_COLOUR), (whatif, WHATIF_COLOUR))):
            if value is None:
                continue
            cell = QRectF(rect.left() + label_width + column * bar_width, rect.top(), bar_width - 6, rect.height())
            fill = QRectF(cell.left(), cell.top() + 2, max(1.0, cell.width() * min(value, 1.0)), cell.height() - 4)
            if mark and column == 0:
                # excluded by the sampler the reply used: hatched, so it reads without colour
                painter.fillRect(fill, QBrush(palette.color(QPalette.ColorRole.Mid), Qt.BrushStyle.BDiagPattern))
            else:
                painter.fillRect(fill, colour)
            painter.setPen(text_colour)
            painter.drawText(cell.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                             percent(value))
        painter.restore()


class AlternativesList(QListWidget):
    """Up/Down move between alternatives, Enter continues from one, Left/Right move to the neighbouring token."""

    step = Signal(int)
    chosen = Signal(int)  # row

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.step.emit(-1 if event.key() == Qt.Key.Key_Left else 1)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.chosen.emit(self.currentRow())
            return
        super().keyPressEvent(event)


class ProbabilityPanel(QWidget):
    continueRequested = Signal(int, int, int)  # message id, token position, alternative token id
    stepRequested = Signal(int)  # -1: previous token, +1: next token
    temperatureChanged = Signal(float)  # the what-if slider moved: a sandbox, the Sampling panel is not touched
    useRequested = Signal()  # "Use these settings": copy the what-if settings to the Sampling panel

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("probabilityPanel")
        self.message_id: int | None = None
        self.position: int | None = None
        self.view: PositionView | None = None

        self.heading = plain_label(self.tr(SELECT_HINT))
        self.heading.setObjectName("probabilityHeading")
        self.heading.setWordWrap(True)
        self.token = QLabel()
        self.token.setObjectName("probabilityToken")
        self.token.setTextFormat(Qt.TextFormat.PlainText)
        self.token.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        big = self.token.font()
        big.setPointSizeF(big.pointSizeF() * 1.4)
        big.setFamily("monospace")
        self.token.setFont(big)
        self.model_prob = QLabel()
        self.model_prob.setObjectName("modelProbability")
        self.model_prob.setToolTip(self.tr("The token's probability under the model, before any sampler setting"))
        self.drawn_prob = QLabel()
        self.drawn_prob.setObjectName("drawnProbability")
        self.drawn_prob.setToolTip(self.tr("The probability it was drawn with, after the reply's sampler settings"))
        self.entropy = QLabel()
        self.entropy.setObjectName("entropy")
        self.entropy.setToolTip(self.tr("How spread out the model's whole distribution was here (0 bits: certain)"))
        self.entropy.setWordWrap(True)  # a server's estimate says how it was made: its own line, wrapped in a narrow dock
        self.used = QLabel()
        self.used.setObjectName("usedSettings")
        self.used.setWordWrap(True)
        facts = QGridLayout()
        facts.setContentsMargins(0, 0, 0, 0)
        facts.addWidget(self.token, 0, 0, 1, 2)
        facts.addWidget(self.model_prob, 1, 0)
        facts.addWidget(self.drawn_prob, 1, 1)
        facts.addWidget(self.entropy, 2, 0, 1, 2)
        facts.addWidget(self.used, 3, 0, 1, 2)

        self.temperature = QSlider(Qt.Orientation.Horizontal)
        self.temperature.setObjectName("whatifTemperature")
        self.temperature.setRange(0, 2 * SLIDER_STEPS)
        self.temperature.setAccessibleName(self.tr("What-if temperature"))
        self.temperature.setToolTip(self.tr("Drag to see the distribution another temperature would give here. It starts at "
                                            "the reply's own and changes nothing else: the next reply uses the Sampling panel."))
        self.temperature.valueChanged.connect(self._temperature_moved)
        self.temperature_value = QLabel()
        self.use_button = QPushButton(self.tr("Use these settings"))
        self.use_button.setObjectName("useWhatifSettings")
        self.use_button.setToolTip(self.tr("Copy the what-if settings (temperature, top-k, top-p, min-p, repeat penalty) "
                                           "to the Sampling panel, for the next reply"))
        self.use_button.clicked.connect(self.useRequested)
        slider_row = QHBoxLayout()
        slider_row.addWidget(QLabel(self.tr("What-if temperature")))
        slider_row.addWidget(self.temperature, 1)
        slider_row.addWidget(self.temperature_value)
        slider_row.addWidget(self.use_button)
        self._quiet = False

        self.columns = QLabel()
        self.columns.setObjectName("columnsHeading")
        self.columns.setWordWrap(True)
        self.alternatives = AlternativesList()
        self.alternatives.setObjectName("alternatives")
        self.alternatives.setItemDelegate(BarDelegate(self.alternatives))
        self.alternatives.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.alternatives.setAccessibleName(self.tr("Alternatives: Enter continues the reply from the selected token"))
        self.alternatives.setToolTip(self.tr("Click an alternative (or press Enter on it) to continue the reply from it "
                                             "as a new branch. ← → move between tokens."))
        self.alternatives.itemClicked.connect(lambda item: self._continue(self.alternatives.row(item)))
        self.alternatives.chosen.connect(self._continue)
        self.alternatives.step.connect(self.stepRequested)
        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addLayout(facts)
        layout.addLayout(slider_row)
        layout.addWidget(self.columns)
        layout.addWidget(self.alternatives, 1)
        self.clear()

    def sizeHint(self):  # noqa: N802
        return QSize(380, 560)

    def clear(self, reason: str = SELECT_HINT) -> None:
        """Nothing (or a reason) instead of a position: what was shown belongs to a reply no longer on screen."""
        self.message_id = self.position = self.view = None
        self.heading.setText(self.tr(SELECT_HINT) if reason == SELECT_HINT else reason)
        for label in (self.token, self.model_prob, self.drawn_prob, self.entropy, self.used, self.columns,
                      self.temperature_value):
            label.clear()
        self.used.setToolTip("")
        self.alternatives.clear()
        self.temperature.setEnabled(False)
        self.use_button.setEnabled(False)

    def set_temperature(self, value: float) -> None:
        """Show the what-if temperature without announcing it as a move."""
        self._quiet = True
        try:
            self.temperature.setValue(round(value * SLIDER_STEPS))
        finally:
            self._quiet = False
        self.temperature_value.setText(f"{value:.2f}")

    def _temperature_moved(self, steps: int) -> None:
        self.temperature_value.setText(f"{steps / SLIDER_STEPS:.2f}")
        if not self._quiet:
            self.temperatureChanged.emit(steps / SLIDER_STEPS)

    def show_position(self, message_id: int, position: int, n_tokens: int, view: PositionView,
                      used: SamplerSettings, whatif: SamplerSettings, branch_point: bool,
                      entropy_bound: bool = False, character: tuple[str, int, int, float] | None = None) -> None:
        """character: (text, part, parts, joint probability) when the token is a byte of a longer character."""
        self.message_id, self.position, self.view = message_id, position, view
        self.temperature.setEnabled(True)
        self.use_button.setEnabled(True)
        self.set_temperature(whatif.temperature)
        record = view.record
        part = "" if character is None else self.tr(" · byte {part} of {parts} of “{text}” (together {probability})").format(
            part=character[1], parts=character[2], text=character[0], probability=percent(character[3]))
        self.heading.setText(self.tr("Token {position} of {count}").format(position=position + 1, count=n_tokens) + part
                             + (self.tr(" · put here by you (branch point)") if branch_point else ""))
        self.token.setText(token_label(record.text, record.eog))
        self.model_prob.setText(self.tr("model {probability}").format(probability=percent(min(1.0, math.exp(record.logprob)))))
        # a server's reply above temperature 0: the drawn probability came from its top alternatives only
        drawn = ("≈ " if entropy_bound and used.temperature > 0 else "") + percent(record.sampled_prob)
        self.drawn_prob.setText(self.tr("drawn: chosen by you") if branch_point
                                else self.tr("drawn {probability}").format(probability=drawn))
        bits = f"{view.entropy_bits:.2f}"
        if entropy_bound:
            self.entropy.setText(self.tr("entropy ≥ {bits} bits (estimated from the top {count})").format(bits=bits, count=len(record.top)))
        else:
            self.entropy.setText(self.tr("entropy {bits} bits").format(bits=bits))
        missing = "" if view.penalty_applied else self.tr(" (not recorded for this reply: left out ≈)")
        self.used.setText(self.tr("Reply: {settings}").format(settings=describe(used)) + missing)
        self.used.setToolTip(
            self.tr("The settings the reply was generated with; ✕ marks the alternatives they excluded. ")
            + ("" if view.penalty_applied else
               self.tr("This reply was written before Inkling recorded what the repeat penalty needs, so the what-if "
                       "and the marks leave it out: they are estimates."))
        )
        estimate = self.tr(" ≈ estimated") if not view.whatif_exact else ""
        model = self.tr("model")
        self.columns.setText(
            f"<span style='color:{MODEL_COLOUR.name()}'>■</span> {model} &nbsp; "
            f"<span style='color:{WHATIF_COLOUR.name()}'>■</span> "
            + self.tr("what-if ({settings})").format(settings=describe(whatif, temperature=False))
            + f"<i>{estimate}</i>"
        )
        self.columns.setToolTip(
            self.tr("What-if: the distribution the sampler would draw from at these settings (the reply's own, "
                    "at the what-if temperature).")
            + ("" if view.whatif_exact else self.tr(" Estimated: the stored alternatives end before the sampler's cut, "
                                                    "so the unseen rest of the vocabulary is assumed as likely as the "
                                                    "last stored token."))
        )
        current = self.alternatives.currentRow()
        self.alternatives.clear()
        for alt in view.alternatives:
            item = QListWidgetItem()
            item.setData(ROW, (token_label(alt.text, alt.eog), alt.probability, alt.whatif, alt.excluded_by, alt.chosen))
            item.setToolTip(plain_tip(self.tr("{token} (id {id}): click or Enter to continue from it").format(
                token=token_label(alt.text, alt.eog), id=alt.id)))
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         f"{token_label(alt.text, alt.eog)} {percent(alt.probability)}")
            self.alternatives.addItem(item)
        rest = QListWidgetItem()
        rest.setData(ROW, (self.tr("everything else"), view.model_rest, view.whatif_rest, None, False))
        rest.setFlags(Qt.ItemFlag.NoItemFlags)
        self.alternatives.addItem(rest)
        if 0 <= current < len(view.alternatives):
            self.alternatives.setCurrentRow(current)

    def _continue(self, row: int) -> None:
        if self.view is None or not 0 <= row < len(self.view.alternatives):
            return
        alt = self.view.alternatives[row]
        if not alt.chosen:
            self.continueRequested.emit(self.message_id, self.position, alt.id)
