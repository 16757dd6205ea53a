"""What the notes' keyword index (FTS5) sees: words as they are, runs of CJK characters as characters and bigrams."""

import re

from desktop.core.text import CJK_CLASS
from desktop.core.text import CJK_RUN as _CJK_RUN

# Question words, pronouns and particles: a question's CJK run is cut at them (longest first), so
# 我的护照什么时候过期 asks for 护照 and 过期, not for 的护 or 照什.
_CJK_STOP = sorted(
    "为什么 什么 怎么 怎样 如何 哪些 哪里 哪个 哪家 多少 多久 几点 是不是 是否 需要 可以 应该 时候 一下 请问 告诉 知道"
    " 我们 你们 他们 我的 你的 的话 这个 那个 一个 有没有 是 的 了 吗 呢 吧 啊 在 有 我 你 他 她 它 和 与 要 会 能 得 地"
    " 把 被 给 这 那 谁 哪 么 该 就 都 也 还 从 到 对 上 下 里 好 多 几 去 来 做 用 让 帮 请 ～ は が を に で と の か も です ます".split(),
    key=len, reverse=True,
)
_CJK_STOP_PATTERN = re.compile("|".join(map(re.escape, _CJK_STOP)))


def cjk_characters(text: str) -> str:
    return "".join(_CJK_RUN.findall(text))


def grams(run: str) -> list[str]:
    """Overlapping pairs of a CJK run (the run itself if it is one character).

    Chinese has no spaces; bigrams need no dictionary and are a classic strong baseline for Chinese
    retrieval (two-character words are most of the vocabulary): 有效期 -> 有效 效期 matches 有效.
    """
    return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]


def keyword_text(text: str) -> str:
    """The text as the keyword index stores it: each CJK run replaced by its characters and bigrams."""
    if not _CJK_RUN.search(text):
        return text

    def spaced(match: re.Match) -> str:
        run = match.group(0)
        pieces = list(run) + grams(run) if len(run) > 1 else [run]
        return " " + " ".join(pieces) + " "

    return _CJK_RUN.sub(spaced, text)


def query_terms(text: str, stopwords: frozenset[str]) -> list[str]:
    """The question's content terms, lowercased and unique: words (less stopwords) and CJK grams."""
    terms: list[str] = []
    for piece in re.split(f"([{CJK_CLASS}]+)", text.lower()):
        if _CJK_RUN.fullmatch(piece):
            for run in _CJK_STOP_PATTERN.split(piece) if stopwords else [piece]:
                terms += grams(run) + (list(run) if len(run) > 1 else []) if run else []
        else:
            words = [w for w in re.findall(r"\w+", piece) if len(w) > 1 or w.isdigit()]
            terms += [w for w in words if w not in stopwords]
    return list(dict.fromkeys(terms))
