"""Small text helpers shared by every layer of the core."""


def one_line(text: str, limit: int) -> str:
    """The text on one line, cut to `limit` characters with an ellipsis: titles and previews."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
