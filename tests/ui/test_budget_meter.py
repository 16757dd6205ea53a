"""The budget meter's legend fits its width without cutting a number: names, else colour and count, else the first ones."""

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from desktop.core.prompt.budget import BudgetSplit
from desktop.ui.budget_meter import BudgetMeter

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")  # offscreen, a shown widget

SPLIT = BudgetSplit(n_ctx=4096, reserve=128, system=9, notes=68, history=153, message=0, dropped_messages=0,
                    dropped_turns=(), framing=11)


def drawn_width(label) -> float:
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    document.setHtml(label.text())
    return document.idealWidth()


@pytest.mark.parametrize("width", [900, 420, 300, 160])
def test_the_legend_fits_and_every_count_it_shows_is_whole(qtbot, width):
    meter = BudgetMeter()
    qtbot.addWidget(meter)
    meter.resize(width, 60)
    meter.show()
    meter.show_split(SPLIT)
    qtbot.waitExposed(meter)
    legend = meter.legend
    assert drawn_width(legend) <= legend.width()
    shown = re.findall(r"[~\d,]+(?=&nbsp;&nbsp;|$)", legend.text())
    assert set(shown) <= {"9", "~68", "153", "0", "11"}  # whole counts only, never "1" for 11
    assert all(f"{name} {count}" in legend.toolTip() for name, count in
               (("System", "9"), ("Notes", "~68"), ("History", "153"), ("Message", "0"), ("Template", "11")))


def test_a_wide_meter_names_every_part(qtbot):
    meter = BudgetMeter()
    qtbot.addWidget(meter)
    meter.resize(900, 60)
    meter.show()
    meter.show_split(SPLIT)
    qtbot.waitExposed(meter)
    assert all(name in meter.legend.text() for name in ("System", "Notes", "History", "Message", "Template"))


def test_a_long_problem_is_cut_to_the_width_and_read_as_text(qtbot):
    # (before: the problem filled the "Reply room" label, as wide as its text: a server's long refusal widened the
    # chat column and squeezed the conversation list to half its width; and a label guesses rich text)
    meter = BudgetMeter()
    qtbot.addWidget(meter)
    problem = ("Context budget unavailable: http://127.0.0.1:56927 refused the connection: is the server running, "
               "on that port? <img src='file:///etc/hostname'>")
    meter.show_problem(problem)
    meter.resize(400, 60)
    meter.show()
    qtbot.waitExposed(meter)
    assert meter.minimumSizeHint().width() < 300
    assert meter.warning.full_text == problem and meter.warning.text().endswith("…")
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in (meter.warning, meter.total))
    meter.show_split(SPLIT)  # the budget is back: the problem goes
    assert meter.warning.full_text == "" and "Reply room" in meter.total.text()
