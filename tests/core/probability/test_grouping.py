"""Byte tokens grouped into characters: exact text, joint probabilities, every part still a token of its own."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.probability.grouping import Cell, cell_of, character_of, group, joint_probability, token_bytes
from desktop.core.probability.heatmap import heatmap_cells
from desktop.core.probability.summary import summarize
from desktop.core.probability.trace import piece_text

# Chinese, Japanese, emoji and accented text, mixed with ASCII: what falls apart into byte tokens.
SCRIPTS = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x3040, max_codepoint=0x30FF),
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn")),
)
TEXTS = st.text(SCRIPTS, min_size=1, max_size=24)


def pieces_of(engine, text: str) -> list[bytes]:
    ids = engine._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
    return [engine.token_piece(token) for token in ids]


def check(pieces: list[bytes], probabilities: list[float]) -> list[Cell]:
    texts = [piece_text(piece) for piece in pieces]
    cells, pending = group(texts)
    exact = b"".join(pieces).decode("utf-8")
    assert "".join(cell.text for cell in cells) == exact  # the cells read as the reply's exact text
    assert pending == len(texts)  # whole text: nothing waits for more bytes
    assert [c.first for c in cells] == [0] + [c.end for c in cells[:-1]] and cells[-1].end == len(texts)
    assert all("<0x" not in cell.text for cell in cells if cell.parts > 1)
    for cell in cells:
        assert joint_probability(probabilities, cell) == pytest.approx(math.prod(probabilities[cell.first:cell.end]))
    # every token, a part of a character included, keeps its own index in exactly one cell (what a click,
    # the arrow keys and a branch use), and the heatmap places each token inside its cell's text
    owner = cell_of(cells, len(texts))
    laid = heatmap_cells(texts, np.array(probabilities))
    for token, number in enumerate(owner):
        cell = cells[number]
        assert cell.first <= token < cell.end
        assert laid.starts[cell.first] <= laid.starts[token] <= laid.starts[token + 1] <= laid.starts[cell.end]
    # the panel asks for one token's character without grouping the whole reply: the same answer
    for token in range(len(texts)):
        alone = character_of(texts, token)
        assert alone == (cells[owner[token]] if cells[owner[token]].parts > 1 else None)
    # streaming: whatever prefix has arrived, the cells before its pending bytes are the final ones
    for cut in range(1, len(texts)):
        early, waiting = group(texts[:cut])
        assert [c for c in early if c.end <= waiting] == [c for c in cells if c.end <= waiting]
    return cells


@pytest.mark.parametrize("model", ["smollm2", "gemma"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS, data=st.data())
def test_random_utf8_text_tokenized_by_the_bundled_models_groups_exactly(request, model, text, data):
    engine = request.getfixturevalue(model)
    pieces = pieces_of(engine, text)
    probabilities = data.draw(st.lists(st.floats(0.001, 1.0), min_size=len(pieces), max_size=len(pieces)))
    check(pieces, probabilities)


def test_chinese_through_the_small_vocabulary_becomes_characters(smollm2):
    pieces = pieces_of(smollm2, "你好，世界！👍")
    assert any("<0x" in piece_text(piece) for piece in pieces)  # the premise: SmolLM2 cuts these into bytes
    cells = check(pieces, [0.5] * len(pieces))
    assert "".join(c.text for c in cells) == "你好，世界！👍"
    assert any(cell.parts > 1 for cell in cells)


def test_byte_marks_read_back_and_broken_bytes_stay_tokens():
    assert token_bytes("a<0xE4><0xBD>b") == b"a\xe4\xbdb"
    cells, pending = group(["<0xE4>", "<0xBD><0xA0>", "<0xFF>", "ok", "<0xE5>"])
    assert cells == [Cell(0, 2, "你"), Cell(2, 3, "<0xFF>"), Cell(3, 4, "ok"), Cell(4, 5, "<0xE5>")]
    assert pending == 4  # 好 has begun


def test_least_confident_names_characters_not_bytes():
    texts = ["我", "<0xE6>", "<0x83><0xB3>", "去", " Paris", "<0xF0><0x9F>", "<0x91><0x8D>"]
    probabilities = np.array([0.9, 0.3, 0.5, 0.8, 0.2, 0.6, 0.9])
    summary = summarize(np.log(probabilities), texts)
    named = {span.text.strip(): span for span in summary.least_confident}
    assert set(named) == {"我", "想", "去", "Paris", "👍"}
    assert named["想"].probability == pytest.approx(0.15) and named["想"].weakest == 1
    assert named["👍"].probability == pytest.approx(0.54) and (named["👍"].start, named["👍"].end) == (5, 7)
