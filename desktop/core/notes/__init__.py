"""The user's notes: offline embeddings, hybrid (chromadb + FTS5) retrieval, file import and folder sync."""

from desktop.core.notes.db import Folder, Note, NotesTooNewError
from desktop.core.notes.embedding import EmbedderError, MiniLMEmbedder, shared_embedder
from desktop.core.notes.library import NotesLibrary, NotesReadOnlyError, Progress, has_notes
from desktop.core.notes.readers import SUPPORTED_EXTENSIONS
from desktop.core.notes.retrieval import Source
from desktop.core.notes.sync import SyncReport

__all__ = [
    "EmbedderError", "Folder", "MiniLMEmbedder", "Note", "NotesLibrary", "NotesReadOnlyError", "NotesTooNewError",
    "Progress", "SUPPORTED_EXTENSIONS", "Source", "SyncReport", "has_notes", "shared_embedder",
]
