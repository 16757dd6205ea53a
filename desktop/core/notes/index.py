"""The derived vector index: a chromadb collection in the data folder, rebuildable from SQLite at any time."""

import os
import shutil
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings
from chromadb.utils.embedding_functions import register_embedding_function

from desktop.core.errors import InklingError
from desktop.core.notes.embedding import MAX_TOKENS, MiniLMEmbedder, shared_embedder

COLLECTION = "notes"


@register_embedding_function
class InklingMiniLM(EmbeddingFunction[Documents]):
    """chromadb's view of the bundled embedder; its config names no path, so a moved data folder still opens."""

    def __init__(self, embedder: MiniLMEmbedder | None = None):
        self.embedder = embedder or shared_embedder()

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "inkling_minilm_l6_v2_int8"

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "InklingMiniLM":
        InklingMiniLM.validate_config(config)
        return InklingMiniLM()

    def get_config(self) -> dict[str, Any]:
        return {"model": "all-MiniLM-L6-v2-int8", "max_tokens": MAX_TOKENS}

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        if old_config != new_config:
            raise ValueError("the notes embedding model cannot be changed in place; rebuild the index")

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        if config.get("model") != "all-MiniLM-L6-v2-int8" or config.get("max_tokens") != MAX_TOKENS:
            raise ValueError(f"unsupported notes embedding config {config!r}")


class IndexUnavailable(InklingError):
    """The chromadb folder could not be opened; the caller rebuilds it from SQLite."""


def chroma_id(note_id: int, chunk: int) -> str:
    return f"{note_id}:{chunk}"


def parse_chroma_id(value: str) -> tuple[int, int]:
    note_id, chunk = value.split(":")
    return int(note_id), int(chunk)


class VectorIndex:
    """One chromadb PersistentClient and its collection (cosine space); ids are "note_id:chunk"."""

    notice: str | None = None  # nothing to tell: unlike a Chroma server, the folder is always there

    def __init__(self, folder: Path, embedder: MiniLMEmbedder):
        self.folder = Path(folder)
        self.embedding_function = InklingMiniLM(embedder)
        self._client = None
        self._collection = None
        # Telemetry off: Inkling never talks to the network at run time.
        settings = Settings(anonymized_telemetry=False, allow_reset=False)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(path=str(self.folder), settings=settings)
            self._collection = self._client.get_or_create_collection(
                COLLECTION, embedding_function=self.embedding_function, configuration={"hnsw": {"space": "cosine"}}
            )
            self._collection.count()  # a damaged folder often opens and fails only on first use
        except Exception as error:  # chromadb raises many untyped errors (Rust panics, sqlite, pydantic)
            self.close()
            _forget_failed_system(settings)
            raise IndexUnavailable(f"{type(error).__name__}: {error}") from error

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.close()
            finally:
                self._client = None
                self._collection = None

    def count(self) -> int:
        return self._collection.count()

    def upsert(self, keys: list[tuple[int, int]], vectors: np.ndarray) -> None:
        if not keys:
            return
        self._collection.upsert(
            ids=[chroma_id(n, c) for n, c in keys],
            embeddings=np.asarray(vectors, dtype=np.float32),
            metadatas=[{"note_id": n, "chunk": c} for n, c in keys],
        )

    def delete_note(self, note_id: int) -> None:
        self._collection.delete(where={"note_id": note_id})

    def delete_keys(self, keys: list[tuple[int, int]]) -> None:
        if keys:
            self._collection.delete(ids=[chroma_id(n, c) for n, c in keys])

    def query(self, vector: np.ndarray, limit: int) -> list[tuple[tuple[int, int], float]]:
        """((note_id, chunk), cosine similarity) best first (fewer if the collection is smaller)."""
        result = self._collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32)[None, :], n_results=limit, include=["distances"],
        )
        return [(parse_chroma_id(i), 1.0 - d) for i, d in zip(result["ids"][0], result["distances"][0])]


def _forget_failed_system(settings: Settings) -> None:
    """Drop chromadb's per-process cache entry for a folder whose opening failed.

    chromadb caches a System per folder before starting it and keeps it when starting fails,
    so without this the folder could not be reopened in this process even after a rebuild.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    identifier = SharedSystemClient._get_identifier_from_settings(settings)
    if SharedSystemClient._identifier_to_refcount.get(identifier, 0) == 0:
        SharedSystemClient._identifier_to_system.pop(identifier, None)


def wipe(folder: Path) -> None:
    """Remove a chromadb folder: it is derived data, rebuilt from SQLite."""
    if folder.is_symlink() or folder.is_file():
        os.unlink(folder)
    elif folder.exists():
        shutil.rmtree(folder)
