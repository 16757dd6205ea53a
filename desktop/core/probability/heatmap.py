"""The probability heatmap as text: a colour-blind-safe colour scale, visible token text, and the HTML of a reply."""

import html
import math
import unicodedata
from dataclasses import dataclass

import numpy as np

from desktop.core.probability.grouping import Cell, group, joint_probability

# Viridis (matplotlib, CC0) sampled at 9 stops: perceptually uniform, readable with any colour
# vision deficiency, and dark-to-bright, so it works as a lightness scale in greyscale too.
VIRIDIS = (
    (0x44, 0x01, 0x54), (0x47, 0x2C, 0x7A), (0x3B, 0x51, 0x8B), (0x2C, 0x71, 0x8E), (0x21, 0x90, 0x8C),
    (0x27, 0xAD, 0x81), (0x5C, 0xC8, 0x63), (0xAA, 0xDC, 0x32), (0xFD, 0xE7, 0x25),
)
LEVELS = 64  # colours are quantised, so a reply uses at most this many distinct styles
LEGEND_TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)
VISIBLE_WHITESPACE = {" ": "·", "\n": "↵", "\t": "⇥", "\r": "␍"}
EMPTY_TOKEN = "∅"  # a token that adds no text still needs something to point at


def _interpolate(position: float) -> tuple[int, int, int]:
    position = min(max(position, 0.0), 1.0) * (len(VIRIDIS) - 1)
    low = min(int(position), len(VIRIDIS) - 2)
    frac = position - low
    return tuple(round(a + (b - a) * frac) for a, b in zip(VIRIDIS[low], VIRIDIS[low + 1]))


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _text_on(background: tuple[int, int, int]) -> tuple[int, int, int]:
    """Black or white, whichever reads better on the background (both themes: we set both colours)."""
    black, white = (0, 0, 0), (255, 255, 255)
    return black if contrast_ratio(background, black) >= contrast_ratio(background, white) else white


@dataclass(frozen=True)
class Swatch:
    background: str  # "#rrggbb"
    foreground: str


def _build_swatches() -> tuple[Swatch, ...]:
    swatches = []
    for level in range(LEVELS):
        rgb = _interpolate(level / (LEVELS - 1))
        swatches.append(Swatch(_hex(rgb), _hex(_text_on(rgb))))
    return tuple(swatches)


SWATCHES = _build_swatches()


def level_of(probability: float) -> int:
    if not probability > 0.0:  # also NaN
        return 0
    return min(int(probability * (LEVELS - 1) + 0.5), LEVELS - 1)


def swatch(probability: float) -> Swatch:
    return SWATCHES[level_of(probability)]


def gradient_stops(count: int = 9) -> list[tuple[float, str]]:
    """(position, colour) pairs for drawing the legend's gradient."""
    return [(i / (count - 1), _hex(_interpolate(i / (count - 1)))) for i in range(count)]


def visible(text: str) -> str:
    """Whitespace made visible (· ↵ ⇥), for tooltips and the panel; an empty piece shows as ∅."""
    if not text:
        return EMPTY_TOKEN
    return "".join(VISIBLE_WHITESPACE.get(char, char) for char in text)


def display_text(text: str) -> str:
    """A token as the heatmap shows it: newlines get a visible ↵ before the break, control characters a hex mark."""
    if not text:
        return EMPTY_TOKEN
    if text.isprintable():  # no newline, tab or control character: shown as it is (most tokens; C-fast)
        return text
    out = []
    for char in text:
        if char == "\n":
            out.append("↵\n")
        elif char == "\r":
            out.append("␍")
        elif char != "\t" and unicodedata.category(char) == "Cc":
            out.append(f"<0x{ord(char):02X}>")
        else:
            out.append(char)
    return "".join(out)


def utf16_length(text: str) -> int:
    """Length as Qt counts text positions (characters outside the BMP take two)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class HeatmapCells:
    """A run of tokens as the heatmap draws it: one coloured piece per cell (grouping.Cell)."""

    pieces: list[tuple[str, float]]  # (shown text, probability: the product of the cell's tokens')
    starts: np.ndarray  # (n + 1,) UTF-16 offsets from the run's start: token i spans [starts[i], starts[i + 1])
    cells: list[Cell]  # token numbers relative to the run
    pending: int  # first token of trailing bytes still waiting for the rest of their character (n if none)


def heatmap_cells(texts: list[str], probabilities) -> HeatmapCells:
    """Cells laid out: a cell's text is placed at its first token; its other tokens are empty spans at its end,
    so a point over the cell finds its first token and every token keeps an index to select."""
    cells, pending = group(texts)
    # Python floats and lists in the loop: numpy's per-item indexing cost more than the work (2,000 tokens
    # are laid out on every conversation switch). A cell's probability is still the product of its parts'.
    values = np.asarray(probabilities, dtype=np.float64).tolist()
    starts = [0] * (len(texts) + 1)
    pieces = []
    position = 0
    for cell in cells:
        shown = display_text(cell.text)
        starts[cell.first] = position
        position += utf16_length(shown)
        for token in range(cell.first + 1, cell.end + 1):
            starts[token] = position
        pieces.append((shown, values[cell.first] if cell.end - cell.first == 1 else joint_probability(values, cell)))
    starts[len(texts)] = position
    return HeatmapCells(pieces, np.array(starts, dtype=np.int64), cells, pending)


@dataclass(frozen=True)
class HeatmapText:
    """A reply's tokens as HTML, and where each token starts in the document's text."""

    html: str
    starts: np.ndarray  # (n + 1,) UTF-16 offsets: token i spans [starts[i], starts[i + 1])
    cells: list[Cell]
    pending: int


def heatmap_html(texts: list[str], probabilities: np.ndarray) -> HeatmapText:
    """One span per cell (a token, or byte tokens joined into their character) coloured by its probability;
    whitespace kept exactly (pre-wrap)."""
    laid = heatmap_cells(texts, np.asarray(probabilities, dtype=np.float64))
    spans = []
    for shown, probability in laid.pieces:
        colours = swatch(probability)
        body = html.escape(shown, quote=False).replace("\n", "<br>")
        spans.append(f'<span style="background-color:{colours.background};color:{colours.foreground}">{body}</span>')
    body = '<body style="white-space:pre-wrap">' + "".join(spans) + "</body>"
    return HeatmapText(body, laid.starts, laid.cells, laid.pending)


def token_at(starts: np.ndarray, position: int) -> int | None:
    """The token whose text contains document position `position`, or None outside the reply."""
    if position < 0 or position >= starts[-1]:
        return None
    return int(np.searchsorted(starts, position, side="right")) - 1


def percent(probability: float) -> str:
    """A probability as a short percentage that never rounds a possible token to 0% or a near-miss to 100%."""
    value = probability * 100.0
    if value >= 99.95 and probability < 1.0:
        return ">99.9%"
    if value >= 10.0:
        return f"{value:.1f}%"
    if value >= 0.01:
        return f"{value:.2f}%"
    return f"{value:.2g}%" if value > 0.0 else "0%"


def cell_tooltip_html(text: str, parts: list[tuple[str, float]], caption: str = "= product of {count} tokens") -> str:
    """The hover text of a character made of several tokens: it, the product of their probabilities, each part.

    caption (after the product) is given by the view in the window's language.
    """
    joint = math.prod(probability for _text, probability in parts)
    rows = "".join(
        f"<tr><td><code>{html.escape(visible(part), quote=False)}</code></td><td align='right'>&nbsp;{percent(p)}</td></tr>"
        for part, p in parts
    )
    return (f"<code>{html.escape(visible(text), quote=False)}</code> &nbsp;<b>{percent(joint)}</b>"
            f" {html.escape(caption.format(count=len(parts)), quote=False)}<table cellspacing='0'>{rows}</table>")


def tooltip_html(text: str, logprob: float, alternatives: list[tuple[str, float]], eog: bool = False) -> str:
    """The hover text of one token: itself, its probability, and the top 3 alternatives."""
    name = html.escape(visible(text), quote=False)
    end = " <i>(end of text)</i>" if eog else ""
    rows = "".join(
        f"<tr><td><code>{html.escape(visible(alt), quote=False)}</code></td>"
        f"<td align='right'>&nbsp;{percent(math.exp(lp))}</td></tr>"
        for alt, lp in alternatives[:3]
    )
    return (
        f"<code>{name}</code>{end} &nbsp;<b>{percent(math.exp(logprob))}</b>"
        + (f"<table cellspacing='0'>{rows}</table>" if rows else "")
    )
