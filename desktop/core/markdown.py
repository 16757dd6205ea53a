"""Replies' Markdown as HTML for the transcript: the author's line breaks kept, code highlighted, raw HTML as text."""

import functools
import html
from dataclasses import dataclass

from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

COPY_SCHEME = "inkling-copy"  # href of a code block's Copy button: inkling-copy:<block number>
LIGHT_STYLE, DARK_STYLE = "default", "monokai"
# Colours for the parts Pygments does not draw: a code block's frame and header, inline code.
FRAME = {False: ("#f4f4f4", "#d8d8d8", "#555555"), True: ("#272822", "#4a4a44", "#b0b0a8")}


@dataclass(frozen=True)
class Rendered:
    html: str
    code_blocks: tuple[str, ...]  # each block's source, in order: what its Copy button copies


def render_markdown(text: str, dark: bool = False, plain: bool = False) -> Rendered:
    """The reply's HTML; a fence that is still open (a streaming reply) renders as the code block it will be.

    `plain`: code blocks without their label and Copy button (the text a copy of the message takes).
    """
    env = {"blocks": [], "dark": dark, "plain": plain, "formatter": _formatter(dark)}
    rendered = _PARSER.render(text, env).rstrip("\n")  # Qt reads a newline after the last block as a space
    return Rendered(rendered, tuple(env["blocks"]))


@functools.cache
def _formatter(dark: bool) -> HtmlFormatter:
    """One per theme: making one builds its whole style sheet (~15 ms), and a reply renders on every change."""
    return HtmlFormatter(style=DARK_STYLE if dark else LIGHT_STYLE, noclasses=True, nowrap=True)


def _code_block(_renderer, tokens, index, _options, env) -> str:
    token = tokens[index]
    language = token.info.split(maxsplit=1)[0] if token.info.strip() else ""
    env["blocks"].append(token.content)
    number = len(env["blocks"]) - 1
    if env["plain"]:
        return f"<pre>{html.escape(token.content.rstrip(chr(10)))}</pre>"
    background, border, label_colour = FRAME[env["dark"]]
    body = _highlighted(token.content, language, env["formatter"])
    # A table: Qt's rich text draws backgrounds and borders on cells, not on <div> or <pre>.
    return (
        f'<table width="100%" cellspacing="0" cellpadding="6" border="1" '
        f'style="border-color:{border}; border-style:solid; background-color:{background}; margin: 4px 0">'
        f'<tr><td><span style="color:{label_colour}; font-size:small">{html.escape(language or "text")}</span>'
        f'&nbsp;&nbsp;<a href="{COPY_SCHEME}:{number}" style="font-size:small">Copy</a></td></tr>'
        f'<tr><td><pre style="margin:0">{body}</pre></td></tr></table>'
    )


def _code_inline(_renderer, tokens, index, _options, env) -> str:
    background, _border, label_colour = FRAME[env["dark"]]
    colour = label_colour if env["dark"] else "#a0204a"
    return f'<code style="background-color:{background}; color:{colour}">{html.escape(tokens[index].content)}</code>'


def _parser() -> MarkdownIt:
    # CommonMark with raw HTML off (model output is shown, never interpreted) and `breaks`: a single
    # newline stays a line break, so a poem keeps its lines when the reply completes. markdown-it's
    # link validation already refuses javascript:, vbscript:, file: and data: links and images.
    parser = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])
    parser.add_render_rule("fence", _code_block)
    parser.add_render_rule("code_block", _code_block)
    parser.add_render_rule("code_inline", _code_inline)
    return parser


_PARSER = _parser()


def _highlighted(source: str, language: str, formatter: HtmlFormatter) -> str:
    """Pygments' spans for a known language; escaped plain text otherwise (guessing mislabels prose)."""
    try:
        lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False) if language else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        return html.escape(source.rstrip("\n"))
    return highlight(source, lexer, formatter).rstrip("\n")
