"""The user's notes: offline embeddings, hybrid (chromadb + FTS5) retrieval, file import and folder sync.

Stable entry point (used by `inkling --self-test` too):

    with NotesLibrary.open(data_folder) as notes:      # data_folder/inkling.db + data_folder/chroma/
        note = notes.add_text("Title", "Text, markdown allowed.")
        sources = notes.search("a question", k=5, min_score=0.0)   # list[Source], best first
"""

from desktop.core.notes.db import Folder, Note, NotesTooNewError
from desktop.core.notes.embedding import EmbedderError, MiniLMEmbedder, shared_embedder
from desktop.core.notes.library import NotesLibrary, Progress
from desktop.core.notes.readers import SUPPORTED_EXTENSIONS
from desktop.core.notes.retrieval import Source
from desktop.core.notes.sync import SyncReport

__all__ = [
    "EmbedderError", "Folder", "MiniLMEmbedder", "Note", "NotesLibrary", "NotesTooNewError", "Progress",
    "SUPPORTED_EXTENSIONS", "Source", "SyncReport", "shared_embedder",
]
