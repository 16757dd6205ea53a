"""The Sampling side panel: temperature and the other samplers, seed, max new tokens, reset."""

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QPushButton, QSlider, QSpinBox, QVBoxLayout, QWidget,
)

from desktop.core.probability.sampling import EXTRA_SAMPLERS, SamplerSettings
from desktop.ui.inert import plain_tip

SLIDER_STEPS = 100  # temperature slider resolution: 0.01


class SamplingPanel(QWidget):
    changed = Signal(object)  # SamplerSettings: every value as set (saved), also those the engine ignores

    def __init__(self, settings: SamplerSettings, parent=None):
        super().__init__(parent)
        self.setObjectName("samplingPanel")
        self._quiet = False
        self.ignored: tuple[str, ...] = ()  # samplers the open conversation's engine does not take (greyed)
        self._tips: dict[str, str] = {}  # each field's own tooltip, back when its sampler is taken again

        self.temperature = self._double("temperature", 0.0, 2.0, 0.05, 2,
                                         self.tr("How much randomness: 0 always picks the most likely token."))
        self.temperature_slider = QSlider(Qt.Orientation.Horizontal)
        self.temperature_slider.setObjectName("temperatureSlider")
        self.temperature_slider.setRange(0, 2 * SLIDER_STEPS)
        self.temperature_slider.setAccessibleName(self.tr("Temperature"))
        # Each follows the other without echoing back: a slider echo rewrote the box while it was typed in
        # (0.7 became 0.00 when "0" was typed first).
        self.temperature_slider.valueChanged.connect(lambda v: self.temperature.setValue(v / SLIDER_STEPS))
        self.temperature.valueChanged.connect(self._follow_temperature)
        self.top_p = self._double("topP", 0.01, 1.0, 0.01, 2, self.tr("Keep the smallest set of tokens whose probabilities add up to this."))
        self.top_k = self._int("topK", 0, 1000, self.tr("Keep only the k most likely tokens (0: off)."))
        self.min_p = self._double("minP", 0.0, 0.99, 0.01, 2, self.tr("Drop tokens less likely than this fraction of the best one."))
        self.repeat_penalty = self._double("repeatPenalty", 0.5, 2.0, 0.05, 2, self.tr("Make recently written tokens less likely (1: off)."))
        self.seed = self._int("seed", 0, 2**31 - 1, self.tr("The same seed and settings give the same reply."))
        self.random_seed = QCheckBox(self.tr("Random"))
        self.random_seed.setObjectName("randomSeed")
        self.random_seed.toggled.connect(lambda on: self.seed.setEnabled(not on))
        self.random_seed.toggled.connect(self._emit)
        self.max_tokens = self._int("maxTokens", 1, 32768, self.tr("The reply stops after this many tokens."))
        reset = QPushButton(self.tr("Reset to defaults"))
        reset.setObjectName("resetSampling")
        self.defaults = SamplerSettings()  # Inkling's, or with the loaded model's own samplers
        reset.clicked.connect(lambda: self.set_settings(self.defaults, emit=True))

        temperature_row = QHBoxLayout()
        temperature_row.addWidget(self.temperature_slider, 1)
        temperature_row.addWidget(self.temperature)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.random_seed)
        form = self.form = QFormLayout()
        form.addRow(self.tr("Temperature"), temperature_row)
        form.addRow(self.tr("Top-p"), self.top_p)
        form.addRow(self.tr("Top-k"), self.top_k)
        form.addRow(self.tr("Min-p"), self.min_p)
        form.addRow(self.tr("Repeat penalty"), self.repeat_penalty)
        form.addRow(self.tr("Seed"), seed_row)
        form.addRow(self.tr("Max new tokens"), self.max_tokens)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(reset)
        layout.addStretch(1)
        self.set_settings(settings)

    def _follow_temperature(self, value: float) -> None:
        blocked = self.temperature_slider.blockSignals(True)
        self.temperature_slider.setValue(round(value * SLIDER_STEPS))
        self.temperature_slider.blockSignals(blocked)

    def _double(self, name, low, high, step, decimals, tip) -> QDoubleSpinBox:
        self._tips[_attribute(name)] = tip
        box = QDoubleSpinBox()
        box.setKeyboardTracking(False)  # a typed value counts when it is complete (Enter, Tab, focus out)
        box.setObjectName(name)
        box.setRange(low, high)
        box.setSingleStep(step)
        box.setDecimals(decimals)
        box.setToolTip(tip)
        box.valueChanged.connect(self._emit)
        return box

    def _int(self, name, low, high, tip) -> QSpinBox:
        self._tips[_attribute(name)] = tip
        box = QSpinBox()
        box.setKeyboardTracking(False)
        box.setObjectName(name)
        box.setRange(low, high)
        box.setToolTip(tip)
        box.valueChanged.connect(self._emit)
        return box

    def settings(self) -> SamplerSettings:
        """What a reply is sampled with: the values as set, with the samplers the engine ignores turned off."""
        return self.chosen().without(self.ignored)

    def chosen(self) -> SamplerSettings:
        """Every value as set, also in greyed fields (kept for the engines that take them)."""
        return SamplerSettings(
            temperature=round(self.temperature.value(), 2),
            top_p=round(self.top_p.value(), 2),
            top_k=self.top_k.value(),
            min_p=round(self.min_p.value(), 2),
            repeat_penalty=round(self.repeat_penalty.value(), 2),
            seed=None if self.random_seed.isChecked() else self.seed.value(),
            max_tokens=self.max_tokens.value(),
        )

    def set_settings(self, settings: SamplerSettings, emit: bool = False) -> None:
        self._quiet = True
        try:
            self.temperature.setValue(settings.temperature)
            self.top_p.setValue(settings.top_p)
            self.top_k.setValue(settings.top_k)
            self.min_p.setValue(settings.min_p)
            self.repeat_penalty.setValue(settings.repeat_penalty)
            self.random_seed.setChecked(settings.seed is None)
            self.seed.setValue(settings.seed if settings.seed is not None else 0)
            self.max_tokens.setValue(settings.max_tokens)
        finally:
            self._quiet = False
        if emit:
            self._emit()

    def on_use(self, settings: SamplerSettings) -> None:
        """Take another set's sampler values ("Use these settings" in the what-if); seed and length stay."""
        mine = self.chosen()
        self.set_settings(replace(settings, seed=mine.seed, max_tokens=mine.max_tokens), emit=True)

    def on_model_samplers(self, values: dict, apply: bool) -> None:
        """A model's own sampler values: the defaults "Reset" returns to, and (when `apply`) the values from now on."""
        self.defaults = replace(SamplerSettings(), **values)
        if apply and values:
            self.set_settings(replace(self.chosen(), **values), emit=True)

    def on_engine_samplers(self, ignored: tuple[str, ...], server: str | None) -> None:
        """The open conversation's engine: the samplers it ignores are greyed, with why; the others usable."""
        self.ignored = tuple(name for name in ignored if name in EXTRA_SAMPLERS)
        for name in EXTRA_SAMPLERS:
            box = getattr(self, name)
            off = name in self.ignored
            box.setEnabled(not off)
            label = self.form.labelForField(box)
            if label is not None:
                label.setEnabled(not off)
            tip = self.tr("{server} takes OpenAI's samplers only, not this one: Inkling does not send it, and replies "
                          "there are sampled without it. The value is kept for the engines that take it.").format(
                server=server or self.tr("This server")) if off else self._tips[name]
            tip = plain_tip(tip) if off else tip  # the server's name is the user's text: shown as text, wrapped
            box.setToolTip(tip)
            if label is not None:
                label.setToolTip(tip if off else "")

    def _emit(self, *_):
        if not self._quiet:
            self.changed.emit(self.chosen())


def _attribute(object_name: str) -> str:
    """A field's attribute from its object name: minP -> min_p."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in object_name)
