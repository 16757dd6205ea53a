"""The Sampling panel takes typed values: every numeric field, typed key by key as a user does (pytest-qt)."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.core.probability.sampling import SamplerSettings
from desktop.ui.sampling_panel import SamplingPanel

# A shown widget makes the offscreen platform say it cannot propagate size hints.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")

TYPED = [  # field, text typed, value expected
    ("temperature", "0.7", 0.7),
    ("temperature", "1.5", 1.5),
    ("top_p", "0.85", 0.85),
    ("top_k", "25", 25),
    ("min_p", "0.1", 0.1),
    ("repeat_penalty", "1.15", 1.15),
    ("seed", "4242", 4242),
    ("max_tokens", "300", 300),
]


@pytest.mark.parametrize(("name", "text", "value"), TYPED, ids=[f"{n}={t}" for n, t, _ in TYPED])
def test_typing_into_each_numeric_field_gives_the_typed_value(qtbot, name, text, value):
    panel = SamplingPanel(SamplerSettings(seed=1))
    qtbot.addWidget(panel)
    panel.show()
    emitted = []
    panel.changed.connect(emitted.append)
    box = getattr(panel, name)
    box.setFocus()
    box.selectAll()
    QTest.keyClicks(box, text)
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == pytest.approx(value)
    assert getattr(panel.settings(), name) == pytest.approx(value)
    assert emitted and getattr(emitted[-1], name) == pytest.approx(value)
    if name == "temperature":
        assert panel.temperature_slider.value() == round(value * 100)


def test_the_slider_still_drives_the_temperature(qtbot):
    panel = SamplingPanel(SamplerSettings())
    qtbot.addWidget(panel)
    panel.temperature_slider.setValue(130)
    assert panel.settings().temperature == pytest.approx(1.3)


def test_a_sampler_the_engine_ignores_is_greyed_with_why_in_the_servers_name_as_text(qtbot):
    panel = SamplingPanel(SamplerSettings(seed=1, min_p=0.1))
    qtbot.addWidget(panel)
    own = panel.min_p.toolTip()
    panel.on_engine_samplers(("min_p",), "<b>box</b>")
    assert not panel.min_p.isEnabled() and panel.top_k.isEnabled()
    assert "&lt;b&gt;box&lt;/b&gt; takes OpenAI" in panel.min_p.toolTip()  # a name is never markup
    assert panel.settings().min_p == 0.0 and panel.chosen().min_p == 0.1
    panel.on_engine_samplers((), None)
    assert panel.min_p.isEnabled() and panel.min_p.toolTip() == own and panel.settings().min_p == 0.1
