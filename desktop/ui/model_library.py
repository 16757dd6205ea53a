"""Model → Model library: every model found, its facts and fit, its remembered settings; open one, rescan, add a folder."""

import os
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox, QCheckBox, QComboBox, QDialog, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QListWidget,
    QListWidgetItem, QMessageBox, QPlainTextEdit, QProgressBar, QPushButton, QScrollArea, QSizePolicy, QSpinBox, QSplitter,
    QVBoxLayout, QWidget,
)

from desktop.core.engine.runtime import Device, LoadReport, devices, gpu_offload_supported
from desktop.core.engine.types import EngineConfig, default_threads
from desktop.core.models.fit import estimate_fit, gib, gpu_layers_that_fit
from desktop.core.models.gpu import choose_device, chosen_device, visible_devices
from desktop.core.models.library import LibraryModel, Scan
from desktop.core.models.settings import (
    ALL_LAYERS, CPU_BUILD, FOLLOW_MENU, KV_TYPES, SAMPLER_FIELDS, ModelSettings, add_library_folder, defaults_for,
    flash_attention_label, kv_type_label, library_folders, load_model_settings, opened_models, save_model_settings,
)
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.settings import load_threads
from desktop.core.store import Store
from desktop.ui.inert import message_box, plain_label, plain_tip
from desktop.ui.library_scanner import LibraryScanner
from desktop.ui.language import said

PATH_ROLE = Qt.ItemDataRole.UserRole


class ModelLibraryDialog(QDialog):
    """Reads the library and the per-model settings; asks the window to open a model with openRequested."""

    openRequested = Signal(object, object)  # Path, EngineConfig
    settingsSaved = Signal(object)  # Path of the model whose settings were saved

    def __init__(self, store: Store, scanner: LibraryScanner, current: Path | None = None, parent=None,
                 runtime: LoadReport | None = None, gpus: list[Device] | None = None):
        """`gpus`: the GPUs llama.cpp lists (ggml's registry when not given)."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Model library"))
        self.setObjectName("modelLibrary")
        self.resize(980, 640)
        self.store, self.scanner, self.current = store, scanner, current
        self.runtime = runtime  # llama.cpp's report on the loaded model (`current`)
        self.gpus = [d for d in devices() if d.is_gpu] if gpus is None else gpus
        self.scan: Scan | None = None
        self.models: dict[str, LibraryModel] = {}
        self._request: int | None = None  # the scan whose results are awaited; older ones are dropped
        self._listening = True
        self._build()
        scanner.progress.connect(self._scan_progress)
        scanner.scanned.connect(self._scanned)
        self.finished.connect(self._stop_listening)
        if scanner.latest is not None:  # the last scan at once, then a fresh one behind it
            self._show_scan(scanner.latest[1])
        self.rescan()

    # --- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.list = QListWidget()
        self.list.setObjectName("modelList")
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.skipped = QPlainTextEdit()
        self.skipped.setReadOnly(True)
        self.skipped.setObjectName("skippedPlaces")
        self.skipped.setMaximumHeight(110)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        self.skipped_label = plain_label(self.tr("Skipped"))
        left_layout.addWidget(self.skipped_label)
        left_layout.addWidget(self.skipped)

        self.facts = plain_label()
        self.facts.setObjectName("modelFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A long path is one unbreakable word: it would widen the panel past the window (cut off on the right,
        # scrolled sideways). It is clipped instead; the tooltip has it whole.
        self.facts.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.fit = plain_label()
        self.fit.setObjectName("fitVerdict")
        self.fit.setWordWrap(True)
        self.context = QSpinBox()
        self.context.setRange(64, 64)
        self.context.setSingleStep(256)
        self.gpu_layers = QSpinBox()
        self.gpu_layers.setRange(ALL_LAYERS, 999)
        self.gpu_layers.setSpecialValueText(self.tr("all"))
        self.gpu_layers.setToolTip(said(CPU_BUILD))
        self.threads = QSpinBox()
        self.threads.setRange(FOLLOW_MENU, 512)
        self.threads.setSpecialValueText(self.tr("Model → CPU threads ({threads})").format(
            threads=load_threads(self.store) or default_threads()))
        self.threads.setToolTip(self.tr("A number of its own for this model; otherwise it follows Model → CPU threads."))
        self.batch = QSpinBox()
        self.batch.setRange(1, 8192)
        self.flash = QCheckBox()
        self.kv_type = QComboBox()
        self.kv_type.addItems(KV_TYPES)
        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setPlaceholderText(self.tr("Inkling's default system prompt"))
        self.system_prompt.setMaximumHeight(70)
        self.samplers = {name: self._sampler_box(name) for name in SAMPLER_FIELDS}
        self.sampling = plain_label()
        self.sampling.setObjectName("samplerSource")
        self.sampling.setWordWrap(True)
        for widget in (self.context, self.batch, self.gpu_layers):
            widget.valueChanged.connect(lambda *_: self._update_fit())
        self.flash.toggled.connect(lambda *_: self._update_fit())
        self.kv_type.currentTextChanged.connect(lambda *_: self._update_fit())
        form = QFormLayout()
        form.addRow(self.tr("Context (tokens)"), self.context)
        form.addRow(self.tr("GPU layers"), self.gpu_layers)
        self.gpu_device = QComboBox()
        self.gpu_device.setObjectName("gpuDevice")
        self.gpu_note = plain_label()
        self.gpu_note.setObjectName("gpuNote")
        self.gpu_note.setWordWrap(True)
        self._fill_gpu_devices()
        form.addRow(self.tr("GPU device"), self.gpu_device)
        form.addRow("", self.gpu_note)
        form.addRow(self.tr("CPU threads"), self.threads)
        form.addRow(self.tr("Batch size"), self.batch)
        self.flash_note = plain_label()  # beside the box, wrapped: a checkbox's own text never wraps
        self.flash_note.setObjectName("flashNote")
        self.flash_note.setWordWrap(True)
        flash_row = QHBoxLayout()
        flash_row.addWidget(self.flash)
        flash_row.addWidget(self.flash_note, 1)
        form.addRow(self.tr("Flash attention"), flash_row)
        self.kv_note = plain_label()
        self.kv_note.setObjectName("kvNote")
        self.kv_note.setWordWrap(True)
        kv_row = QHBoxLayout()
        kv_row.addWidget(self.kv_type)
        kv_row.addWidget(self.kv_note, 1)
        form.addRow(self.tr("KV cache type"), kv_row)
        sampler_form = QFormLayout()
        for name, label in zip(SAMPLER_FIELDS, (self.tr("Temperature"), self.tr("Top-p"), self.tr("Top-k"), self.tr("Min-p"),
                                                self.tr("Repeat penalty")), strict=True):
            sampler_form.addRow(label, self.samplers[name])
        sampler_form.addRow(self.sampling)
        form.addRow(self.tr("Default samplers"), sampler_form)
        form.addRow(self.tr("Default system prompt"), self.system_prompt)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.facts)
        right_layout.addWidget(self.fit)
        right_layout.addLayout(form)
        right_layout.addStretch(1)
        details = QScrollArea()  # facts, fit and every setting keep their height on a small screen
        details.setWidgetResizable(True)
        details.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # notes wrap to the width
        details.setWidget(right)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(details)
        splitter.setSizes([380, 600])

        self.rescan_button = QPushButton(self.tr("&Rescan"))
        self.rescan_button.clicked.connect(self.rescan)
        self.add_folder_button = QPushButton(self.tr("&Add folder…"))
        self.add_folder_button.clicked.connect(self.add_folder)
        self.save_button = QPushButton(self.tr("&Save settings"))
        self.save_button.clicked.connect(self.save_settings)
        self.open_button = QPushButton(self.tr("&Open model"))
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_selected)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        self.scanning = QProgressBar()
        self.scanning.setObjectName("scanProgress")
        self.scanning.setRange(0, 0)  # busy: a scan does not know how many places it will read
        self.scanning.setMaximumWidth(120)
        self.scan_status = plain_label()
        self.scan_status.setObjectName("scanStatus")
        buttons = QHBoxLayout()
        for button in (self.rescan_button, self.add_folder_button):
            buttons.addWidget(button)
        buttons.addWidget(self.scanning)
        buttons.addWidget(self.scan_status)
        buttons.addStretch(1)
        for button in (self.save_button, self.open_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    def _sampler_box(self, name: str) -> QAbstractSpinBox:
        """The Sampling panel's ranges: a model's defaults are values the panel can show."""
        if name == "top_k":
            box = QSpinBox()
            box.setRange(0, 1000)
        else:
            box = QDoubleSpinBox()
            box.setDecimals(2)
            box.setSingleStep(0.05)
            box.setRange(*{"temperature": (0.0, 2.0), "top_p": (0.01, 1.0), "min_p": (0.0, 0.99),
                           "repeat_penalty": (0.5, 2.0)}[name])
        box.setObjectName(f"default_{name}")
        return box

    def _fill_gpu_devices(self) -> None:
        """Every GPU llama.cpp lists, or why there is none; the choice is Inkling's, for every model, from the next start."""
        if not self.gpus:
            self.gpu_device.addItem(self.tr("None"))
            self.gpu_device.setEnabled(False)
            self.gpu_layers.setEnabled(False)
            self.gpu_note.setText(said(CPU_BUILD) if not gpu_offload_supported() else self.tr("llama.cpp finds no GPU."))
            return
        chosen = chosen_device(self.store)
        self.gpu_device.addItem(self.tr("Every device (llama.cpp's choice)"), None)
        for gpu in self.gpus:
            self.gpu_device.addItem(f"{gpu.name}: {gpu.description} ({gib(gpu.free)} free)", gpu.name)
        if chosen is not None and _narrowed_to(chosen):
            self.gpu_note.setText(self.tr("{device} is the only device llama.cpp sees now; choose Every device and "
                                          "restart to see the others.").format(device=chosen))
        index = self.gpu_device.findData(chosen) if chosen is not None else 0
        self.gpu_device.setCurrentIndex(max(index, 0))
        self.gpu_device.currentIndexChanged.connect(self._choose_gpu)

    def _choose_gpu(self) -> None:
        choose_device(self.store, self.gpu_device.currentData())
        self.gpu_note.setText(self.tr("The device takes effect when Inkling starts again."))
        self._update_fit()

    # --- what is shown -------------------------------------------------------------------------
    def rescan(self) -> None:
        """Ask the library's thread for a scan; the list shown stays usable until the new one arrives."""
        self._request = self.scanner.scan(library_folders(self.store), opened_models(self.store))
        self.rescan_button.setEnabled(False)
        self.scanning.setVisible(True)
        self.scan_status.setText(self.tr("Scanning…"))
        if self.scan is None:
            self.facts.setText(self.tr("Scanning for models…"))
            self.save_button.setEnabled(False)
            self.open_button.setEnabled(False)

    def _scan_progress(self, request_id: int, where: str) -> None:
        if request_id == self._request:
            self.scan_status.setText(self.tr("Scanning {place}…").format(place=where))

    def _scanned(self, request_id: int, scan: Scan) -> None:
        if request_id != self._request:
            return
        self._request = None
        self.rescan_button.setEnabled(True)
        self.scanning.setVisible(False)
        self.scan_status.setText(self.tr("{count} models").format(count=len(scan.models)))
        self._show_scan(scan)

    def _stop_listening(self) -> None:
        if not self._listening:  # finished twice: accepted, then rejected as the window closes
            return
        self._listening = False
        self.scanner.progress.disconnect(self._scan_progress)
        self.scanner.scanned.disconnect(self._scanned)

    def _show_scan(self, scan: Scan) -> None:
        selected = self.selected()
        self.scan = scan
        self.models = {str(m.path): m for m in self.scan.models}
        blocked = self.list.blockSignals(True)  # one selection change, after the list is filled
        self.list.clear()
        for model in self.scan.models:
            settings = load_model_settings(self.store, model.path, model.facts)
            fit = estimate_fit(model.facts, model.size, settings.n_ctx, kv_type=settings.kv_type,
                               n_batch=settings.n_batch, flash_attention=settings.flash_attention)
            mode = self.tr("chat") if model.kind == "chat" else self.tr("text completion")
            item = QListWidgetItem(f"{model.name}\n    {self._source(model.places[0].source)} · {mode} · {gib(model.size)} · "
                                   f"{said(fit.verdict)}")
            item.setData(PATH_ROLE, str(model.path))
            item.setToolTip(str(model.path))
            self.list.addItem(item)
        self.skipped_label.setText(self.tr("Skipped ({count}) — scanned in {ms} ms").format(
            count=len(self.scan.skipped), ms=f"{self.scan.seconds * 1000:.0f}"))
        self.skipped.setPlainText("\n".join(f"{s.path}: {said(s.reason)}" for s in self.scan.skipped) or self.tr("nothing"))
        wanted = str(selected.path) if selected else str(self.current) if self.current else None
        rows = [i for i in range(self.list.count()) if self.list.item(i).data(PATH_ROLE) == wanted]
        self.list.setCurrentRow(rows[0] if rows else 0)
        self.list.blockSignals(blocked)
        self._show_selected()

    def selected(self) -> LibraryModel | None:
        item = self.list.currentItem()
        return self.models.get(item.data(PATH_ROLE)) if item is not None else None

    def _show_selected(self) -> None:
        model = self.selected()
        for widget in (self.save_button, self.open_button):
            widget.setEnabled(model is not None)
        if model is None:
            self.facts.setText(self.tr("No model found."))
            self.fit.setText("")
            return
        facts = model.facts
        unknown = self.tr("unknown")
        lines = [
            model.name,
            self.tr("{architecture} · {parameters} parameters · {quantization} · {size} on disk").format(
                architecture=facts.architecture or self.tr("unknown architecture"), parameters=facts.parameter_label,
                quantization=facts.file_type or self.tr("unknown quantization"), size=gib(model.size))
            + (self.tr(" in {parts} parts").format(parts=model.parts) if model.parts > 1 else ""),
            self.tr("Trained context: {context} tokens · vocabulary {vocabulary}").format(
                context=facts.context_length or unknown, vocabulary=facts.vocabulary or unknown),
            self.tr("Mode: chat (template in the file)") if model.kind == "chat" else self.tr("Mode: text completion (no chat template)"),
        ]
        if facts.license or facts.base_model:
            lines.append(" · ".join(x for x in (facts.license and self.tr("License: {license}").format(license=facts.license),
                                                facts.base_model and self.tr("Base model: {model}").format(model=facts.base_model))
                                    if x))
        if model.projectors:
            lines.append(self.tr("Vision projector beside it: {names} (not used by Inkling)").format(
                names=", ".join(p.name for p in model.projectors)))
        if self.runtime is not None and self._is_current(model):
            lines.append(self.tr("Loaded now; llama.cpp used: {runtime}").format(runtime=said(self.runtime.describe())))
        lines.append(self.tr("Found at:"))
        lines += [f"  {self._source(p.source)}: {p.label} — {p.path}" for p in model.places]
        self.facts.setText("\n".join(lines))
        self.facts.setToolTip(plain_tip("\n".join(lines)))
        settings = load_model_settings(self.store, model.path, facts)
        self.context.setRange(64, facts.context_length or max(settings.n_ctx, 131072))
        self.context.setValue(settings.n_ctx)
        self.gpu_layers.setValue(settings.n_gpu_layers)
        self.threads.setValue(settings.n_threads)
        self.batch.setValue(settings.n_batch)
        self.flash.setChecked(settings.flash_attention)
        self.flash_note.setText(self.tr("on: {what}").format(what=said(flash_attention_label(facts))))
        self.kv_note.setText(said(kv_type_label(facts)))
        self.kv_type.setCurrentText(settings.kv_type)
        self.system_prompt.setPlainText(settings.system_prompt or "")
        recommended = defaults_for(facts).sampling
        for name, box in self.samplers.items():
            box.setValue(settings.sampling.get(name, getattr(SamplerSettings(), name)))
        if recommended:
            source = self.tr("The file recommends {values}.").format(
                values=", ".join(f"{name} {value:g}" for name, value in recommended.items()))
        else:
            source = self.tr("The file recommends none: Inkling's defaults.")
        self.sampling.setText(source + " " + self.tr("The Sampling panel starts from these when you switch to this model."))
        self._update_fit()

    def _update_fit(self) -> None:
        model = self.selected()
        if model is None:
            return
        fit = estimate_fit(model.facts, model.size, self.context.value(), kv_type=self.kv_type.currentText(),
                           n_batch=self.batch.value(), flash_attention=self.flash.isChecked())
        text = self.tr("Will it fit? {verdict}").format(verdict=said(fit.describe()))
        gpu = next((g for g in self.gpus if g.name == self.gpu_device.currentData()), self.gpus[0] if self.gpus else None)
        if gpu is not None:
            layers = gpu_layers_that_fit(model.facts, self.context.value(), gpu.free, kv_type=self.kv_type.currentText(),
                                         n_batch=self.batch.value(), flash_attention=self.flash.isChecked())
            text += "\n" + self.tr("GPU {name}: about {layers} of {total} layers fit in {free} free (estimated)").format(
                name=gpu.name, layers=layers, total=(model.facts.layers or 0) + 1, free=gib(gpu.free))
        self.fit.setText(text)

    def chosen_settings(self, model: LibraryModel) -> ModelSettings:
        base = load_model_settings(self.store, model.path, model.facts)
        prompt = self.system_prompt.toPlainText().strip()
        recommended, inkling = defaults_for(model.facts).sampling, SamplerSettings()
        values = {name: round(box.value(), 2) if name != "top_k" else box.value() for name, box in self.samplers.items()}
        # kept: what the file recommends, what the user set before, and any value that is not Inkling's own default
        sampling = {name: value for name, value in values.items()
                    if name in recommended or name in base.sampling or value != getattr(inkling, name)}
        return replace(
            base, n_ctx=self.context.value(), n_gpu_layers=self.gpu_layers.value(), n_threads=self.threads.value(),
            n_batch=self.batch.value(), flash_attention=self.flash.isChecked(), kv_type=self.kv_type.currentText(),
            system_prompt=prompt or None, sampling=sampling,
        )

    # --- actions -------------------------------------------------------------------------------
    def save_settings(self) -> None:
        """Remember the settings; if this model is the one loaded and the change needs a reload, offer it."""
        model = self.selected()
        if model is None:
            return
        before = load_model_settings(self.store, model.path, model.facts)
        chosen = self.chosen_settings(model)
        try:
            save_model_settings(self.store, model.path, chosen, model.facts)
        except ValueError as error:
            message_box(self, QMessageBox.Icon.Warning, self.tr("Model settings"), said(error))
            return
        self.settingsSaved.emit(model.path)
        loaded = self._is_current(model)
        if loaded and before.needs_reload(chosen) and self.confirm_reload(model.name):
            self.openRequested.emit(model.path, chosen.engine_config())
        self.rescan()

    def confirm_reload(self, name: str) -> bool:  # tests replace this
        answer = message_box(self, QMessageBox.Icon.Question, self.tr("Reload model"),
                             self.tr("These settings take effect when {name} is loaded again. Reload it now?").format(name=name),
                             QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def open_selected(self) -> None:
        model = self.selected()
        if model is None:
            return
        self.openRequested.emit(model.path, self.engine_config_for(model))
        self.accept()

    def engine_config_for(self, model: LibraryModel) -> EngineConfig:
        """The settings as shown (saved first, so the model opens as it will open next time)."""
        chosen = self.chosen_settings(model)
        try:
            save_model_settings(self.store, model.path, chosen, model.facts)
        except ValueError:
            chosen = load_model_settings(self.store, model.path, model.facts)
        return chosen.engine_config()

    def add_folder(self) -> None:
        folder = self.ask_folder()
        if folder is not None:
            add_library_folder(self.store, folder)
            self.rescan()

    def ask_folder(self) -> Path | None:  # tests replace this
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Add a folder of GGUF models"))
        return Path(chosen) if chosen else None

    def _source(self, source: str) -> str:
        return source_name(source)

    def on_model_loaded(self, path: Path | None, runtime: LoadReport | None = None) -> None:
        self.current, self.runtime = path, runtime
        self._show_selected()

    def _is_current(self, model: LibraryModel) -> bool:
        return self.current is not None and Path(self.current).resolve() == Path(model.path).resolve()


def _narrowed_to(device: str) -> bool:
    """Whether the chosen device's backend variable is set: the registry then lists that device alone (as index 0)."""
    try:
        return visible_devices(device)[0] in os.environ
    except ValueError:
        return False


def source_name(source: str) -> str:
    """Where a model was found: Inkling's own places translated; other apps' names are names."""
    return {"Bundled": QCoreApplication.translate("ModelLibraryDialog", "Bundled"),
            "Opened before": QCoreApplication.translate("ModelLibraryDialog", "Opened before"),
            "Added folder": QCoreApplication.translate("ModelLibraryDialog", "Added folder")}.get(source, source)
