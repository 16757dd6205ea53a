"""The heatmap's colour scale, token text and HTML, and the reply summary statistics."""

import math

import numpy as np
import pytest

from desktop.core.probability.heatmap import (
    SWATCHES, _luminance, contrast_ratio, display_text, heatmap_html, percent, swatch, token_at, tooltip_html,
    utf16_length, visible,
)
from desktop.core.probability.summary import summarize, word_spans


def rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def test_the_scale_gets_lighter_with_probability_so_it_reads_without_colour():
    lightness = [_luminance(rgb(s.background)) for s in SWATCHES]
    assert all(b > a for a, b in zip(lightness, lightness[1:]))
    assert lightness[-1] / lightness[0] > 20


def test_the_scale_is_not_a_red_green_one():
    for s in SWATCHES:
        r, g, b = rgb(s.background)
        assert not (r > 150 and g < 100 and b < 100), s  # no red end to confuse with green


def test_token_text_is_readable_on_every_colour_in_any_theme():
    for s in SWATCHES:
        assert contrast_ratio(rgb(s.background), rgb(s.foreground)) >= 4.5  # WCAG AA


def test_probabilities_map_to_the_ends_of_the_scale():
    assert swatch(0.0) == SWATCHES[0] and swatch(1.0) == SWATCHES[-1]
    assert swatch(float("nan")) == SWATCHES[0] and swatch(-1) == SWATCHES[0] and swatch(2) == SWATCHES[-1]


def test_visible_and_display_text():
    assert visible(" a\tb\n") == "·a⇥b↵" and visible("") == "∅"
    assert display_text("x\n\ny") == "x↵\n↵\ny"
    assert display_text("\x07\r") == "<0x07>␍" and display_text("") == "∅"


def test_heatmap_html_positions_and_escaping():
    texts = ["Hi", "\n", " <b>bold</b>", " 😀", "&"]
    built = heatmap_html(texts, np.array([0.9, 0.5, 0.1, 0.02, 1.0]))
    shown = "".join(display_text(t) for t in texts)
    assert built.starts.tolist() == [0, 2, 4, 16, 19, 20] and built.starts[-1] == utf16_length(shown)
    assert "<b>" not in built.html and "&lt;b&gt;bold&lt;/b&gt;" in built.html and "&amp;" in built.html
    assert built.html.count("<span") == len(texts) and "↵<br>" in built.html
    assert [token_at(built.starts, p) for p in (0, 1, 2, 3, 4, 15, 16, 18, 19, 20, -1)] == [
        0, 0, 1, 1, 2, 2, 3, 3, 4, None, None]


def test_percentages_never_round_to_certainty_or_impossibility():
    assert percent(1.0) == "100.0%" and percent(0.99999) == ">99.9%"
    assert percent(0.4321) == "43.2%" and percent(0.01234) == "1.23%"
    assert percent(2e-6) == "0.0002%" and percent(0.0) == "0%"


def test_tooltip_shows_the_token_and_three_alternatives():
    text = tooltip_html(" the\n", math.log(0.5), [(" a", math.log(0.2)), (" an", math.log(0.1)),
                                                  ("<x>", math.log(0.05)), (" one", math.log(0.01))], eog=False)
    assert "<code>·the↵</code>" in text and "50.0%" in text
    assert text.count("<tr>") == 3 and "&lt;x&gt;" in text and "one" not in text
    assert "(end of text)" in tooltip_html("<|im_end|>", -0.1, [], eog=True)


def test_summary_mean_perplexity_and_least_confident_words():
    texts = ["The", " cap", "ital", " of", " France", " is", " Paris", "."]
    probs = np.array([0.9, 0.3, 0.99, 0.95, 0.8, 0.9, 0.05, 0.7])
    summary = summarize(np.log(probs), texts, limit=3)
    mean = float(np.log(probs).mean())
    assert summary.n_tokens == 8 and summary.mean_logprob == pytest.approx(mean)
    assert summary.perplexity == pytest.approx(math.exp(-mean))
    assert [(s.text, s.weakest) for s in summary.least_confident] == [(" Paris", 6), (" capital", 1), (".", 7)]
    assert summary.least_confident[1].probability == pytest.approx(0.3)
    assert summarize(np.zeros(0), []) is None


def test_word_spans_break_at_spaces_and_punctuation():
    assert word_spans(["Hello", ",", " wor", "ld", "!\n", "Bye"]) == [(0, 1), (1, 2), (2, 4), (4, 5), (5, 6)]
    assert word_spans(["", "a"]) == [(0, 1), (1, 2)]
