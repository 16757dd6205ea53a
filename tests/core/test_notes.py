"""Notes core with the real MiniLM model and a real chromadb in a temp folder: ingest, search, re-index, rebuild."""

import threading

import pytest

from desktop.core.notes import NotesLibrary, NotesReadOnlyError
from desktop.core.notes.chunking import MAX_TOKENS, chunk_text
from desktop.core.notes.retrieval import fuse, keyword_query

CAT = "The lighthouse keeper has a cat. The cat is named Biscuit and sleeps on the stairs of the lamp room."
BUDGET = "Project INK-4471 has a budget of 12,500 euros for the third quarter, approved by Margaret Oyelaran."
TRAINS = "The night train from Vienna to Rome leaves at 19:40 and arrives the next morning at ten."


@pytest.fixture
def library(tmp_path, embedder):
    notes = NotesLibrary.open(tmp_path / "data", embedder)
    yield notes
    notes.close()


def reopen(library, embedder):
    folder = library.folder
    library.close()
    return NotesLibrary.open(folder, embedder)


def test_typed_notes_are_found_by_meaning_and_by_exact_identifier(library):
    for title, text in (("Lighthouse", CAT), ("Budget", BUDGET), ("Trains", TRAINS)):
        assert library.add_text(title, text).status == "indexed"
    best = library.search("What is the keeper's pet called?", k=3)
    assert best[0].title == "Lighthouse" and 0.3 < best[0].score <= 1.0
    assert best[0].snippet.startswith("The lighthouse keeper")
    assert library.search("INK-4471", k=1)[0].title == "Budget"
    assert library.search("INK-4471", k=1, mode="keyword")[0].title == "Budget"
    assert library.search("zzzz unrelated", k=3, min_score=0.9) == []
    assert library.index.count() == library.db.chunk_count() == 3


def test_chunks_respect_paragraphs_overlap_and_have_stable_ids(embedder):
    sentence = "Sentence number {} talks about lighthouses and cats at some length. "
    paragraph = "".join(sentence.format(i) for i in range(40))
    text = f"Short intro.\n\n{paragraph}\n\nA closing paragraph."
    chunks = chunk_text(text, embedder.count_tokens)
    assert chunk_text(text, embedder.count_tokens) == chunks  # deterministic
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert all(c.text == text[c.start:c.end] and c.text.strip() == c.text for c in chunks)
    sizes = embedder.count_tokens([c.text for c in chunks])
    assert max(sizes) <= MAX_TOKENS and sorted(sizes)[len(sizes) // 2] >= 150  # ≈200-token chunks
    overlapping = [a for a, b in zip(chunks, chunks[1:]) if b.start < a.end]
    assert len(overlapping) >= 2, "chunks cut inside the long paragraph share a sentence or two"
    assert chunks[0].text.startswith("Short intro.") and chunks[-1].text.endswith("A closing paragraph.")


def test_editing_a_note_embeds_only_the_changed_chunks(library, embedder):
    paragraphs = [f"Paragraph {i}: " + "words about the sea and ships. " * 25 for i in range(6)]
    note = library.add_text("Long", "\n\n".join(paragraphs))
    assert note.n_chunks >= 6
    before = embedder.texts_embedded
    library.update_text(note.id, "Long", "\n\n".join(paragraphs[:-1] + ["A new last paragraph about Biscuit the cat."]))
    assert embedder.texts_embedded - before == 1
    assert library.search("Biscuit the cat", k=1)[0].note_id == note.id
    before = embedder.calls
    library.update_text(note.id, "Long", "\n\n".join(paragraphs[:-1] + ["A new last paragraph about Biscuit the cat."]))
    assert embedder.calls == before


def test_folder_sync_re_embeds_changed_files_only_and_drops_deleted_ones(library, embedder, tmp_path):
    folder = tmp_path / "notes"
    (folder / "sub").mkdir(parents=True)
    (folder / "cat.md").write_text(CAT)
    (folder / "sub" / "budget.txt").write_text(BUDGET)
    (folder / "ignored.csv").write_text("a,b")
    report = library.add_path(folder)
    assert (report.added, report.errors) == (2, [])
    calls = embedder.calls
    again = library.sync_all()
    assert (again.unchanged, again.added, again.updated) == (2, 0, 0) and embedder.calls == calls

    (folder / "sub" / "budget.txt").write_text(BUDGET.replace("12,500", "14,000"))
    (folder / "cat.md").touch()  # a new mtime with the same content: hashed, not embedded
    (folder / "trains.txt").write_text(TRAINS)
    before = embedder.texts_embedded
    report = library.sync_all()
    assert (report.added, report.updated) == (1, 2)
    assert embedder.texts_embedded - before == 2  # the changed budget chunk and the new file
    assert "14,000" in library.search("budget of INK-4471", k=1)[0].text

    (folder / "cat.md").unlink()
    assert library.sync_all().removed == 1
    assert {n.title for n in library.list_notes()} == {"budget.txt", "trains.txt"}
    assert library.index.count() == library.db.chunk_count() == 2


def test_delete_removes_the_note_everywhere(library):
    note = library.add_text("Lighthouse", CAT)
    library.add_text("Trains", TRAINS)
    library.remove(note.id)
    assert [n.title for n in library.list_notes()] == ["Trains"]
    assert all(s.note_id != note.id for s in library.search("cat named Biscuit", k=5, min_score=-1))
    assert library.index.count() == 1


@pytest.mark.parametrize("damage", ["delete", "corrupt", "disagree"])
def test_a_broken_or_stale_index_is_rebuilt_from_sqlite_without_embedding(library, embedder, damage):
    library.add_text("Lighthouse", CAT)
    library.add_text("Budget", BUDGET)
    index_folder = library.folder / "chroma"
    folder = library.folder
    if damage == "disagree":
        library.index.delete_keys([(1, 0)])
    library.close()
    if damage == "delete":
        import shutil

        shutil.rmtree(index_folder)
    elif damage == "corrupt":
        (index_folder / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    calls = embedder.calls
    reopened = NotesLibrary.open(folder, embedder)
    try:
        assert reopened.notice and "rebuilt" in reopened.notice
        assert reopened.index.count() == 2
        assert reopened.search("cat named Biscuit", k=1)[0].title == "Lighthouse"
        assert embedder.calls == calls + 1  # only the query
    finally:
        reopened.close()


def test_rebuild_index_action_keeps_search_working(library):
    library.add_text("Budget", BUDGET)
    assert library.rebuild_index() == 1
    assert library.search("INK-4471", k=1)[0].title == "Budget"
    assert library.notice is None


def test_bad_files_are_listed_with_their_reason_and_the_rest_is_imported(library, tmp_path, monkeypatch):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text(CAT)
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "empty.md").write_text("")
    (folder / "latin1.txt").write_bytes("Crème brûlée costs 7 euros at the café.".encode("latin-1"))
    (folder / "page.html").write_text("<html><head><style>p{}</style><script>x()</script></head>"
                                      "<body><h1>Menu</h1><p>Soup &amp; bread</p></body></html>")
    (folder / "scan.pdf").write_bytes(_pdf_without_text())
    (folder / "locked.txt").write_text("secret")
    (folder / "loop").symlink_to(folder)
    (folder / "dangling.md").symlink_to(folder / "gone.md")
    real_read = __import__("desktop.core.notes.readers", fromlist=["x"]).read_bytes

    def read_bytes(path):  # root can read anything, so the OS's refusal is simulated
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_read(path)

    monkeypatch.setattr("desktop.core.notes.readers.read_bytes", _translated(read_bytes))
    report = library.add_path(folder)
    reasons = {path.rsplit("/", 1)[-1]: reason for path, reason in report.errors}
    assert reasons["binary.txt"] == "a binary file, not text"
    assert reasons["empty.md"] == "the file is empty"
    assert "no text layer" in reasons["scan.pdf"]
    assert "permission denied" in reasons["locked.txt"]
    assert "symbolic link loop" in reasons["loop"]
    assert "broken symbolic link" in reasons["dangling.md"]
    notes = {n.title: n for n in library.list_notes()}
    assert notes["good.txt"].status == "indexed"
    assert notes["latin1.txt"].status == "indexed" and "not valid UTF-8" in notes["latin1.txt"].warning
    assert library.note_text(notes["page.html"].id) == "Menu\n\nSoup & bread"
    assert notes["binary.txt"].status == "error" and notes["binary.txt"].error == "a binary file, not text"
    assert library.search("cat named Biscuit", k=1)[0].title == "good.txt"


def test_a_file_deleted_mid_import_is_reported_and_others_continue(library, tmp_path, monkeypatch):
    folder = tmp_path / "vanishing"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(f"{name} {CAT}")
    import desktop.core.notes.readers as readers

    real_read = readers.read_bytes

    def read_then_vanish(path):
        if path.name == "b.txt":
            path.unlink()  # deleted between the folder walk and the read
        return real_read(path)

    monkeypatch.setattr(readers, "read_bytes", read_then_vanish)
    report = library.add_path(folder)
    assert report.added == 2
    assert report.errors == [(str(folder / "b.txt"), "the file was deleted or moved before it could be read")]
    monkeypatch.undo()
    assert library.sync_all().removed == 1  # gone from disk: gone from the notes at the next scan


def test_a_huge_file_reports_progress_and_cancels_keeping_what_was_done(library, tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "w") as handle:
        for i in range(2000):
            handle.write(f"A long line about tides, boats and harbour lights number {i}. " * 12 + "\n\n")
    cancel = threading.Event()
    seen = []

    def progress(what, done, total):
        seen.append((what, done, total))
        if len(seen) == 2:  # two batches of 64 chunks
            cancel.set()

    library.add_text("Lighthouse", CAT)
    report = library.add_path(big, cancel=cancel, progress=progress)
    note = next(n for n in library.list_notes() if n.title == "big.txt")
    assert seen[0][0] == "big.txt" and 0 < seen[0][1] < seen[1][1] < seen[0][2] == big.stat().st_size
    assert note.status == "cancelled" and note.n_chunks == 128 and "cancelled after 128" in note.error
    assert report.added == 1
    assert library.search("cat named Biscuit", k=1)[0].title == "Lighthouse"
    assert library.index.count() == library.db.chunk_count() == 129


def test_interrupted_indexing_is_finished_at_the_next_start(library, embedder):
    note = library.add_text("Lighthouse", CAT)
    library.db.update_note(note.id, status="indexing")  # as a killed process leaves it
    reopened = reopen(library, embedder)
    try:
        assert reopened.get_note(note.id).status == "pending"
        reopened.sync_all()
        assert reopened.get_note(note.id).status == "indexed"
    finally:
        reopened.close()


def test_read_only_search_uses_the_vectors_in_sqlite(library, embedder):
    library.add_text("Lighthouse", CAT)
    library.add_text("Budget", BUDGET)
    other = NotesLibrary.open(library.folder, embedder, read_only=True)
    try:
        assert other.search("cat named Biscuit", k=1)[0].title == "Lighthouse"
        with pytest.raises(NotesReadOnlyError):
            other.add_text("x", "y")
    finally:
        other.close()


def test_keyword_query_and_fusion():
    assert keyword_query("What is the budget of INK-4471?") == '"budget" OR "ink" OR "4471"'
    assert keyword_query('"AND" NEAR(boats*') == '"near" OR "boats"'
    assert keyword_query("?!") is None
    assert [item for item, _ in fuse([[1, 2, 3], [3, 1]])] == [1, 3, 2]


def _translated(read):
    """Wrap a fake read_bytes so OS errors become the reader's user-facing reasons, like the real one."""
    import desktop.core.notes.readers as readers

    def wrapper(path):
        try:
            return read(path)
        except PermissionError:
            raise readers.UnreadableFile("permission denied: Inkling may not read this file") from None

    return wrapper


def _pdf_without_text() -> bytes:
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
