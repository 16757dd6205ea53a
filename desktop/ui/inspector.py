"""The token inspector: heatmap on/off, token selection, the Probability panel, branch arrows and reply summaries."""

import heapq
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QDockWidget, QFrame, QHBoxLayout, QLabel, QMainWindow, QScrollArea, QWidget

from desktop.core.conversation.provenance import prompt_facts
from desktop.core.probability.grouping import character_of
from desktop.core.probability.heatmap import tooltip_html
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.store import Message, Store
from desktop.core.probability.summary import summarize
from desktop.core.probability.trace import TraceFormatError, TraceTable
from desktop.core.probability.whatif import inspect_position, with_temperature
from desktop.ui.after_paint import AfterPaint
from desktop.ui.chat_view import MessageView
from desktop.ui.probability_panel import ProbabilityPanel
from desktop.ui.token_view import BranchNavigator, HeatmapLegend, ReplySummaryView, TokenBrowser
from desktop.ui.inert import plain_label
from desktop.ui.language import said

HEATMAP_KEY = "heatmap"
COLOURING_KEY = "heatmap_colouring"
# What a token's colour means: its probability under the model, or the one it was drawn with. A reply
# drawn at T 0.2 looks "unlikely" by the first although each token was drawn at 70-90%.
COLOURINGS = {
    "model": (QT_TRANSLATE_NOOP("TokenInspector", "model probability"),
              QT_TRANSLATE_NOOP("TokenInspector", "Each token is coloured by its probability under the model, before sampling")),
    "drawn": (QT_TRANSLATE_NOOP("TokenInspector", "probability it was drawn with"),
              QT_TRANSLATE_NOOP("TokenInspector",
                                "Each token is coloured by the probability it was drawn with, after the reply's sampler settings")),
}


@dataclass
class Reply:
    """What the inspector keeps for one assistant message on screen."""

    message: Message
    view: MessageView
    table: TraceTable | None = None
    problem: str | None = None  # why there is no heatmap
    heat: TokenBrowser | None = None
    note: QLabel | None = None
    summary: ReplySummaryView | None = None
    built: bool = False  # the heat document holds the whole trace
    drawn: int = 0  # tokens drawn into the heat document while streaming
    ready: bool = False  # trace and summary loaded (a conversation switch loads them lazily, bottom first)


class TokenInspector(QObject):
    continueRequested = Signal(int, int, int)  # message id, position, alternative token id
    switchRequested = Signal(int)  # show the branch through this message id
    useSettings = Signal(object)  # SamplerSettings: the what-if's, for the Sampling panel ("Use these settings")

    def __init__(self, window: QMainWindow, store: Store, chat: QScrollArea, beside: QDockWidget):
        super().__init__(window)
        self.window = window
        self.store = store
        self.chat = chat
        self.whatif: SamplerSettings | None = None  # a sandbox: the selected reply's own settings, any temperature
        self.replies: dict[int, Reply] = {}
        self.navigators: dict[int, BranchNavigator] = {}
        self.selected: tuple[int, int] | None = None
        self._lazy: list[tuple[int, Reply]] = []  # a heap of (-message id, reply) still to load: newest first
        self._lazy_timer = QTimer(self)
        self._lazy_timer.setInterval(0)
        self._lazy_timer.timeout.connect(self._prepare_next)
        # A conversation switch queues its replies before the new transcript is painted: the preparing
        # starts after that paint (a 2,000-token reply's heat document takes ~250 ms).
        self._after_paint = AfterPaint(chat.widget(), self._lazy_timer.start, parent=self)

        self.heatmap_action = QAction(self.tr("Probability &heatmap"), window)
        self.heatmap_action.setObjectName("heatmapAction")
        self.heatmap_action.setCheckable(True)
        self.heatmap_action.setShortcut(QKeySequence("Ctrl+H"))
        self.heatmap_action.setToolTip(self.tr("Colour every token of the replies by its probability (Ctrl+H)"))
        self.inspect_action = self._action(self.tr("&Inspect tokens"), "Ctrl+I", self.inspect)
        self.previous_branch_action = self._action(self.tr("Previous &branch"), "Alt+Left", lambda: self.step_branch(-1))
        self.next_branch_action = self._action(self.tr("Next b&ranch"), "Alt+Right", lambda: self.step_branch(1))

        self.legend = QWidget()
        legend_layout = QHBoxLayout(self.legend)
        legend_layout.setContentsMargins(8, 0, 8, 0)
        self.colouring = QComboBox()
        self.colouring.setObjectName("heatmapColouring")
        self.colouring.setAccessibleName(self.tr("Heatmap colours"))
        for key, (label, tip) in COLOURINGS.items():
            self.colouring.addItem(self.tr("Colour: {label}").format(label=self.tr(label)), key)
            self.colouring.setItemData(self.colouring.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.legend_scale = HeatmapLegend()
        legend_layout.addWidget(self.colouring)
        legend_layout.addWidget(self.legend_scale)
        legend_layout.addWidget(QLabel(self.tr("· click a token to inspect it")))
        toolbar = window.addToolBar(self.tr("Probabilities"))
        toolbar.setObjectName("probabilityToolbar")
        toolbar.addAction(self.heatmap_action)
        self.legend_action = toolbar.addWidget(self.legend)

        self.panel = ProbabilityPanel()
        self.panel.continueRequested.connect(self.continueRequested)
        self.panel.stepRequested.connect(self.step)
        self.panel.temperatureChanged.connect(self.set_whatif_temperature)
        self.panel.useRequested.connect(lambda: self.whatif is not None and self.useSettings.emit(self.whatif))
        self.dock = QDockWidget(self.tr("Probabilities"), window)
        self.dock.setObjectName("probabilityDock")
        # scrolls rather than overlapping its lines when the dock is short (a small screen)
        holder = QScrollArea()
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        holder.setWidget(self.panel)
        self.dock.setWidget(holder)
        # below the Sampling panel, not in its tabs: both in sight, and the what-if never changes the panel
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock, Qt.Orientation.Vertical)
        # once the window has its size; before that, Qt ignores the request
        QTimer.singleShot(0, lambda: window.resizeDocks([beside, self.dock], [300, 600], Qt.Orientation.Vertical))

        saved = store.get_setting(COLOURING_KEY, "model")
        self.colouring.setCurrentIndex(max(0, self.colouring.findData(saved)))
        self._show_colouring()
        self.colouring.currentIndexChanged.connect(self.set_colouring)
        self.heatmap_action.setChecked(bool(store.get_setting(HEATMAP_KEY, False)))
        self.legend_action.setVisible(self.heatmap_action.isChecked())
        self.heatmap_action.toggled.connect(self.set_heatmap)

    def _action(self, text: str, shortcut: str, slot) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def install(self, menu) -> None:
        menu.addAction(self.heatmap_action)
        menu.addAction(self.inspect_action)
        menu.addAction(self.previous_branch_action)
        menu.addAction(self.next_branch_action)
        menu.addAction(self.dock.toggleViewAction())

    @property
    def heatmap_on(self) -> bool:
        return self.heatmap_action.isChecked()

    # --- messages on screen ---------------------------------------------------------------------
    def attach(self, view: MessageView, message: Message, lazy: bool = False) -> None:
        """Add branch arrows, and for a reply its summary and (heatmap on) its coloured tokens."""
        # A view is deleted later than its replacement is attached: forget only what belonged to it.
        view.destroyed.connect(lambda *_, key=message.id, gone=view: self._forget(key, gone))
        siblings = [m.id for m in self.store.siblings(message.id) if m.role == message.role]
        if len(siblings) > 1:
            navigator = BranchNavigator(siblings, message.id, view)
            navigator.switchTo.connect(self.switchRequested)
            view.header_row.addWidget(navigator)
            self.navigators[message.id] = navigator
        if message.role != "assistant":
            return
        reply = self.replies[message.id] = Reply(message, view)
        if lazy:  # a conversation switch: trace, summary and heat once the transcript has painted
            heapq.heappush(self._lazy, (-message.id, reply))  # ids are unique: replies are never compared
            if not self._lazy_timer.isActive():
                self._after_paint.arm()
        else:
            self._prepare(reply)

    def forget_pending(self) -> None:
        """Another conversation is shown: what was still to be prepared is not needed."""
        self._lazy.clear()
        self._lazy_timer.stop()
        self._after_paint.cancel()

    def on_thread_shown(self, message_ids: set[int]) -> None:
        """The transcript changed (another branch, a deletion): a selection no longer on screen is dropped."""
        if self.selected is not None and self.selected[0] not in message_ids:
            self.clear_selection()

    def clear_selection(self) -> None:
        """No token is selected: the panel shows nothing rather than a reply that is not on screen."""
        self.selected = None
        self.whatif = None
        self.panel.clear()

    def _prepare_next(self) -> None:
        while self._lazy:
            _key, reply = heapq.heappop(self._lazy)  # the newest first: the transcript opens at its end
            if self.replies.get(reply.message.id) is reply and not reply.ready:
                self._prepare(reply)
                return  # one per turn of the event loop, so the window keeps answering
        self._lazy_timer.stop()

    def _ready(self, reply: Reply) -> Reply:
        if not reply.ready:
            self._prepare(reply)
        return reply

    def _prepare(self, reply: Reply) -> None:
        if reply.message.status != "streaming":
            self._load(reply)
        reply.ready = True
        if self.heatmap_on:
            self._show_heat(reply)

    def _forget(self, message_id: int, view: MessageView) -> None:
        reply = self.replies.get(message_id)
        if reply is not None and reply.view is view:
            del self.replies[message_id]
        navigator = self.navigators.get(message_id)
        if navigator is not None and navigator.view is view:
            del self.navigators[message_id]

    def _load(self, reply: Reply, table: TraceTable | None = None) -> None:
        """The reply's trace (given in memory by its session, else read from the store) and its summary."""
        reply.built = False
        reply.table, reply.problem = table, None
        if table is None:
            try:
                reply.table = self.store.load_trace_table(reply.message.id)
            except TraceFormatError as error:
                reply.problem = self.tr("its token data cannot be read ({error})").format(error=said(error))
        if reply.table is None and reply.problem is None:
            reply.problem = self.tr("this reply has no token data")
        # the system prompt and notes of "how it was made" come from the same lazy, newest-first pass
        reply.view.set_made_with(reply.message, *prompt_facts(self.store, reply.message))
        reply.summary = None
        summary = summarize(reply.table.logprobs, reply.table.token_texts()) if reply.table is not None else None
        if summary is not None:
            reply.summary = ReplySummaryView(summary)
            reply.summary.tokenSelected.connect(lambda index, key=reply.message.id: self.select(key, index))
        reply.view.set_row("summary", reply.summary)

    def finished(self, view: MessageView, message: Message, table: TraceTable) -> None:
        """The reply ended: its session's in-memory trace becomes the reply's; the streamed heat is kept."""
        reply = self.replies.get(message.id)
        if reply is None or reply.view is not view:
            return
        reply.message = message
        self._load(reply, table)
        reply.ready = True
        if reply.heat is not None and reply.drawn == len(table):
            reply.built = True  # every token was drawn while streaming: nothing to redo
        if self.heatmap_on:
            self._show_heat(reply)

    def draw_stream(self, view: MessageView, table: TraceTable) -> None:
        """Streaming with the heatmap on: colour the tokens that arrived since the last draw."""
        reply = self.replies.get(view.message_id)
        if not self.heatmap_on or reply is None or reply.heat is None or reply.built:
            return
        start = reply.drawn
        reply.heat.append_tokens(table.token_texts(start), self._colours(table, start))
        reply.drawn = len(table)

    # --- heatmap ----------------------------------------------------------------------------------
    @property
    def colouring_key(self) -> str:
        return self.colouring.currentData()

    def _colours(self, table: TraceTable, start: int = 0) -> np.ndarray:
        """The value each token's colour shows, by the chosen colouring."""
        if self.colouring_key == "drawn":
            return table.sampled_probs[start:].astype(np.float64)
        return np.exp(table.logprobs[start:].astype(np.float64))

    def _show_colouring(self) -> None:
        tip = self.tr(COLOURINGS[self.colouring_key][1])
        self.colouring.setToolTip(tip)
        self.legend_scale.setToolTip(tip)

    def set_colouring(self, _index: int = 0) -> None:
        """Model probability or drawn probability: every heat document is recoloured, the legend says which."""
        self.store.set_setting(COLOURING_KEY, self.colouring_key)
        self._show_colouring()
        for reply in self.replies.values():
            if reply.heat is not None and reply.message.status != "streaming":
                reply.built = False
                if reply.ready and self.heatmap_on:
                    self._show_heat(reply)

    def set_heatmap(self, on: bool) -> None:
        self.store.set_setting(HEATMAP_KEY, on)
        self.legend_action.setVisible(on)
        for reply in self.replies.values():
            if not reply.ready:
                continue  # shown when it is prepared
            if on:
                self._show_heat(reply)
            else:
                self._hide_heat(reply)

    def _show_heat(self, reply: Reply) -> None:
        view = reply.view
        if reply.heat is None:
            reply.heat = TokenBrowser(lambda index, r=reply: self._tooltip(r, index))
            reply.heat.tokenSelected.connect(lambda index, key=reply.message.id: self.select(key, index))
            reply.heat.toPanel.connect(self._focus_panel)
            view.set_row("heat", reply.heat)
        if reply.message.status == "streaming":
            reply.heat.set_tokens([], np.zeros(0))
            reply.drawn = 0
        elif reply.table is None:
            if reply.note is None:
                reply.note = plain_label()
                reply.note.setObjectName("heatmapNote")
                reply.note.setStyleSheet("color: palette(placeholder-text); font-style: italic;")
                view.set_row("heat_note", reply.note)
            reply.note.setText(self.tr("No heatmap: {problem}.").format(problem=reply.problem))
            reply.note.show()
            reply.heat.hide()
            return
        elif not reply.built:
            reply.heat.set_tokens(reply.table.token_texts(), self._colours(reply.table))
            reply.built = True
        if self.selected and self.selected[0] == reply.message.id:
            reply.heat.select(self.selected[1])
        view.body.hide()
        reply.heat.show()

    def _hide_heat(self, reply: Reply) -> None:
        if reply.heat is not None:
            reply.heat.hide()
        if reply.note is not None:
            reply.note.hide()
        reply.view.body.show()

    def _tooltip(self, reply: Reply, index: int) -> str:
        if reply.table is None or index >= len(reply.table):
            return ""
        record = reply.table.record(index)
        alternatives = [(alt.text, alt.logprob) for alt in record.top if alt.id != record.id]
        return tooltip_html(record.text, record.logprob, alternatives, record.eog)

    # --- selection and the panel --------------------------------------------------------------------
    def select(self, message_id: int, index: int) -> None:
        reply = self.replies.get(message_id)
        if reply is None:
            return
        if self._ready(reply).table is None:
            self.panel.clear(self.tr("Wait until the reply is finished to inspect its tokens.")
                             if reply.message.status == "streaming"
                             else self.tr("No token data: {problem}.").format(problem=reply.problem))
            return
        index = min(max(index, 0), len(reply.table) - 1)
        if self.selected and self.selected[0] != message_id:
            previous = self.replies.get(self.selected[0])
            if previous is not None and previous.heat is not None:
                previous.heat.select(None)
        if self.selected is None or self.selected[0] != message_id or self.whatif is None:
            self.whatif = SamplerSettings.from_dict(reply.message.sampler)  # the what-if starts at the reply's own
        self.selected = (message_id, index)
        if reply.heat is not None:
            reply.heat.select(index)
            if reply.heat.isVisible():
                corner = reply.heat.mapTo(self.chat.widget(), reply.heat.token_rect(index).topLeft().toPoint())
                self.chat.ensureVisible(corner.x(), corner.y(), 20, 40)
        self.dock.show()
        self._show_panel()

    def _show_panel(self) -> None:
        if self.selected is None:
            return
        reply = self.replies.get(self.selected[0])
        if reply is None or reply.table is None:
            return
        message, index = reply.message, self.selected[1]
        used = SamplerSettings.from_dict(message.sampler)
        branch_point = message.branch_position == index
        view = inspect_position(reply.table.record(index), used, self.whatif, drawn=not branch_point)
        # a server sends no entropy: its replies keep a lower bound from the stored alternatives
        bound = message.engine is not None and message.engine.get("entropy", "exact") != "exact"
        cell = character_of(reply.table.token_texts(), index)  # a byte of a character the heatmap groups
        character = None if cell is None else (
            cell.text, index - cell.first + 1, cell.parts, float(np.exp(reply.table.logprobs[cell.first:cell.end].sum())))
        self.panel.show_position(message.id, index, len(reply.table), view, used, self.whatif, branch_point,
                                 entropy_bound=bound, character=character)

    def set_whatif_temperature(self, temperature: float) -> None:
        """The what-if slider moved: redraw the what-if bars; the Sampling panel is not touched."""
        if self.whatif is not None:
            self.whatif = with_temperature(self.whatif, temperature)
            self._show_panel()

    def step(self, delta: int) -> None:
        if self.selected is not None:
            self.select(self.selected[0], self.selected[1] + delta)

    def inspect(self) -> None:
        """Keyboard entry point: heatmap on, focus the selected reply (or the last one) with a token selected."""
        self.heatmap_action.setChecked(True)
        target = self.selected or next(
            ((key, 0) for key in reversed(self.replies) if self._ready(self.replies[key]).table is not None), None)
        if target is None:
            return
        self.select(*target)
        self._focus_selected()

    def _focus_panel(self) -> None:
        alternatives = self.panel.alternatives
        alternatives.setFocus()
        if alternatives.currentRow() < 0 and alternatives.count() > 1:
            alternatives.setCurrentRow(0)

    def _focus_selected(self) -> None:
        reply = self.replies.get(self.selected[0]) if self.selected else None
        if reply is not None and reply.heat is not None:
            reply.heat.setFocus()

    def step_branch(self, delta: int) -> None:
        """Alt+Left / Alt+Right: switch the selected reply (or the last message with branches) to its neighbour."""
        key = self.selected[0] if self.selected and self.selected[0] in self.navigators else None
        if key is None and self.navigators:
            key = next(reversed(self.navigators))
        if key is not None:
            self.navigators[key].step(delta)
