"""Small text helpers shared by every layer of the core."""

import re

# Han (with extension A and compatibility ideographs), kana, Hangul syllables, half-width katakana:
# scripts written without spaces between words, which word tokenizers see as one long word.
CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")


def one_line(text: str, limit: int) -> str:
    """The text on one line, cut to `limit` characters with an ellipsis: titles and previews."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def shown_part(text: str, limit: int) -> str:
    """The start of a text too long to lay out, with a line saying how much is left out (exports keep it all)."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    cut = cut if cut > limit // 2 else limit
    return f"{text[:cut]}\n\n[… {len(text) - cut:,} more characters are not shown here; export the conversation to read them]"
