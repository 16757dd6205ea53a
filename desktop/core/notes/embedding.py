"""Offline MiniLM sentence embeddings: the bundled int8 ONNX model through onnxruntime and tokenizers."""

import os
import threading
from pathlib import Path

import numpy as np

from desktop.core.errors import InklingError
from desktop.core.models import bundled_models
from desktop.core.words import translate

MAX_TOKENS = 256  # what all-MiniLM-L6-v2 was trained to see; longer input is truncated
BATCH_SIZE = 32
DIMENSIONS = 384


class EmbedderError(InklingError):
    """The embedding model files are missing or cannot be loaded."""


def bundled_embedding_files() -> tuple[Path, Path]:
    """The bundled model and tokenizer files (fetched by `make setup`), never downloaded at run time."""
    by_role = {m.role: m.path for m in bundled_models()}
    return by_role["embedding"], by_role["embedding-tokenizer"]


class MiniLMEmbedder:
    """Turns texts into L2-normalised 384-d vectors; safe to call from several threads at once.

    Texts are sorted by length and each batch is padded only to its own longest text, so short
    chunks never pay for a 256-token pad: this is what makes ingestion several times faster
    than a fixed-length padded batch.
    """

    def __init__(self, model_path: Path | None = None, tokenizer_path: Path | None = None, threads: int | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        onnxruntime.disable_telemetry_events()  # besides ORT_DISABLE_TELEMETRY (desktop.core.offline)

        default_model, default_tokenizer = bundled_embedding_files()
        self.model_path = Path(model_path or default_model)
        self.tokenizer_path = Path(tokenizer_path or default_tokenizer)
        for path in (self.model_path, self.tokenizer_path):
            if not path.is_file():
                raise EmbedderError(translate("core", "The embedding model file {path} is missing; run `make setup` to fetch it.").format(
                    path=path))
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        # No busy-waiting between operators: the chat model shares these cores, and on a busy machine a
        # spinning pool waits for its descheduled peer (measured: a query took 14 ms spinning, 8 ms not).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self._session = onnxruntime.InferenceSession(
                str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
            tokenizer = Tokenizer.from_file(str(self.tokenizer_path))
        except Exception as error:  # onnxruntime and tokenizers raise their own untyped errors
            raise EmbedderError(translate("core", "Cannot load the embedding model {name}: {error}").format(
                name=self.model_path.name, error=error)) from error
        tokenizer.no_padding()
        self._counter = Tokenizer.from_str(tokenizer.to_str())
        self._counter.no_truncation()
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer = tokenizer
        self._lock = threading.Lock()
        self.calls = 0  # embed() calls that ran the model; tests use it to prove unchanged text is not re-embedded
        self.texts_embedded = 0

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Word pieces in each text (no special tokens, no truncation): what chunking measures."""
        counts: list[int] = []
        for start in range(0, len(texts), 4096):  # slices: an Encoding per text of a 50 MB file would not fit
            encodings = self._counter.encode_batch(texts[start:start + 4096], add_special_tokens=False)
            counts += [len(encoding.ids) for encoding in encodings]
        return counts

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors for texts, in their order, as a float32 array of shape (len(texts), 384)."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        with self._lock:
            self.calls += 1
            self.texts_embedded += len(texts)
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start:start + BATCH_SIZE]
            out[batch] = self._run([encodings[i].ids for i in batch])
        return out

    def _run(self, id_lists: list[list[int]]) -> np.ndarray:
        width = max(len(ids) for ids in id_lists)
        input_ids = np.zeros((len(id_lists), width), dtype=np.int64)
        mask = np.zeros((len(id_lists), width), dtype=np.int64)
        for row, ids in enumerate(id_lists):
            input_ids[row, :len(ids)] = ids
            mask[row, :len(ids)] = 1
        hidden = self._session.run(
            None, {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(input_ids)}
        )[0]
        # Mean pooling over real tokens, then L2 normalisation: sentence-transformers' recipe for this model.
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)


_shared: MiniLMEmbedder | None = None
_shared_lock = threading.Lock()


def shared_embedder() -> MiniLMEmbedder:
    """One embedder per process: the ONNX session is thread-safe and costs ~100 MB to load twice."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = MiniLMEmbedder()
        return _shared

