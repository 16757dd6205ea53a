"""The lab's experiments in the database: saved whole, listed under their conversation, read back."""

import json
from dataclasses import dataclass

from desktop.core.errors import InklingError
from desktop.core.store.store import Store, _now

KINDS = frozenset({"compare", "sample", "score"})


class ExperimentDamagedError(InklingError):
    """A stored experiment cannot be read."""


@dataclass(frozen=True)
class Experiment:
    id: int
    conversation_id: int | None
    message_id: int | None
    kind: str
    title: str
    created_at: str
    data: dict


def save_experiment(store: Store, kind: str, title: str, data: dict,
                    conversation_id: int | None = None, message_id: int | None = None) -> Experiment:
    if kind not in KINDS:
        raise ValueError(f"unknown experiment kind {kind!r}")
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    created = _now()
    with store.db.conn:
        cursor = store.db.conn.execute(
            "INSERT INTO experiments (conversation_id, message_id, kind, title, created_at, data) VALUES (?, ?, ?, ?, ?, ?)",
            (conversation_id, message_id, kind, title, created, text),
        )
    return Experiment(cursor.lastrowid, conversation_id, message_id, kind, title, created, data)


def list_experiments(store: Store, conversation_id: int | None = None) -> list[Experiment]:
    """Newest first, without their data (a sample set of 50 replies is large): data is {} until loaded."""
    where, params = ("WHERE conversation_id = ?", [conversation_id]) if conversation_id is not None else ("", [])
    rows = store.db.execute(
        f"SELECT id, conversation_id, message_id, kind, title, created_at FROM experiments {where} ORDER BY id DESC",
        params,
    ).fetchall()
    return [Experiment(*row, {}) for row in rows]


def load_experiment(store: Store, experiment_id: int) -> Experiment | None:
    row = store.db.execute(
        "SELECT id, conversation_id, message_id, kind, title, created_at, data FROM experiments WHERE id = ?",
        [experiment_id],
    ).fetchone()
    if row is None:
        return None
    try:
        data = json.loads(row[6])
    except ValueError as error:
        raise ExperimentDamagedError(f"Experiment {row[0]} is damaged in the database: {error}") from None
    if not isinstance(data, dict):
        raise ExperimentDamagedError(f"Experiment {row[0]} is damaged in the database.")
    return Experiment(*row[:6], data)
