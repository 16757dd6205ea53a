"""Chinese notes are found by Chinese questions; a rare exact code ranks its note first; old notes.db re-indexed."""

import random
import sqlite3

import pytest
from sqlite_utils import Database

from desktop.core.notes import NotesLibrary
from desktop.core.notes.db import migrations
from desktop.core.notes.keywords import keyword_text, query_terms
from desktop.core.notes.retrieval import cjk_share, identifier_phrases, keyword_query

NOTES = {
    "护照": "我的护照号码是E12345678，有效期到2031年3月。护照放在书房抽屉里。",
    "猫咪年糕": "我们家的猫叫年糕，是一只橘色的公猫。它只吃处方粮，最怕吸尘器。",
    "宽带": "家里的宽带是电信300兆，每年套餐费1200元。Wi-Fi密码贴在路由器背面。",
    "熵": "熵衡量模型在某一步有多不确定：概率分散在许多词元上时熵很高。",
    "Train to Munich": "The Railjet from Vienna to Munich departs at 08:28 and takes about four hours.",
}
QUESTIONS = [  # paraphrased: none is a substring of its note
    ("我的护照什么时候过期？", "护照"),
    ("我们的猫害怕什么东西", "猫咪年糕"),
    ("无线网络的密码在哪里", "宽带"),
    ("熵高说明什么？", "熵"),
    ("How long is the trip to Munich?", "Train to Munich"),
]


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    with NotesLibrary.open(tmp_path_factory.mktemp("notes")) as notes:
        for title, text in NOTES.items():
            notes.add_text(title, text)
        yield notes


@pytest.mark.parametrize("question, title", QUESTIONS)
def test_a_chinese_question_finds_its_note_in_the_top_three(library, question, title):
    for mode in ("hybrid", "keyword"):
        assert title in [s.title for s in library.search(question, k=3, min_score=0.25, mode=mode)], mode


def test_cjk_runs_are_indexed_as_characters_and_bigrams_and_asked_without_question_words():
    assert keyword_text("护照有效期 ok") == " 护 照 有 效 期 护照 照有 有效 效期  ok"
    assert keyword_text("English only") == "English only"
    assert query_terms("我的护照什么时候过期？", frozenset({"the"})) == ["护照", "护", "照", "过期", "过", "期"]
    assert query_terms("什么", frozenset()) == ["什么", "什", "么"]  # the fallback when all are question words
    assert keyword_query("怎么激活Python虚拟环境") == (
        '"激活" OR "激" OR "活" OR "python" OR "虚拟" OR "拟环" OR "环境" OR "虚" OR "拟" OR "环" OR "境"')
    assert cjk_share("护照 passport") == pytest.approx(2 / 10) and cjk_share("budget") == 0.0


def test_codes_in_a_question_become_exact_phrases():
    assert identifier_phrases("What about INK-0000-339563, E12345678 and v0.3.1 in 2019年?") == [
        '"ink 0000 339563"', '"e12345678"', '"v0 3 1"']
    assert identifier_phrases("the budget of 12,500 in 2019") == []


def test_an_exact_code_in_one_note_of_300_ranks_it_first_in_hybrid(tmp_path):
    rng = random.Random(1)
    vocabulary = "crash import export window model token notes search budget release fix slow memory sync".split()
    with NotesLibrary.open(tmp_path) as notes:
        codes = {}
        for n in range(300):
            code = "INK-0000-339563" if n == 137 else f"INK-0000-{rng.randrange(10**6):06d}"
            codes[notes.add_text(f"Ticket {code}", f"{code}: {' '.join(rng.choices(vocabulary, k=12))}.").id] = code
        for question in ("INK-0000-339563", "INK-0000-339563 crash", "What does INK-0000-339563 say?"):
            assert codes[notes.search(question, k=3)[0].note_id] == "INK-0000-339563", question
            assert codes[notes.search(question, k=3, min_score=0.99)[0].note_id] == "INK-0000-339563", question


def test_an_old_notes_database_is_reindexed_once_with_progress(tmp_path):
    with NotesLibrary.open(tmp_path) as notes:
        notes.add_text("护照", NOTES["护照"])
    db = Database(sqlite3.connect(tmp_path / "notes.db"))
    # What an Inkling before CJK keywords left: the chunk's raw text in the index, m002 not applied.
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_cjk_keywords'")
    db.execute("DELETE FROM note_chunks_fts")
    db.execute("INSERT INTO note_chunks_fts (rowid, title, text) SELECT id, '护照', text FROM note_chunks")
    db.conn.commit()
    db.close()
    seen = []
    with NotesLibrary.open(tmp_path, progress=lambda what, done, total: seen.append((what, done, total))) as notes:
        assert seen == [("keyword index", 1, 1)]
        assert [s.title for s in notes.search("护照什么时候过期", k=1, mode="keyword")] == ["护照"]
    seen.clear()
    with NotesLibrary.open(tmp_path, progress=lambda what, done, total: seen.append((what, done, total))):
        assert seen == []  # once
    assert "m002_cjk_keywords" in {m.name for m in migrations.applied(Database(sqlite3.connect(tmp_path / "notes.db")))}
