"""The lab's experiments in the database: saved whole, listed under their conversation, read back."""

import json
from dataclasses import dataclass

from desktop.core.blobs import damage_reason
from desktop.core.errors import InklingError
from desktop.core.store.experiment_shapes import check_experiment_data
from desktop.core.store.store import Store, _now
from desktop.core.transactions import write_transaction
from desktop.core.words import translate

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


def save_experiment(store: Store, kind: str, title: str, data: dict, conversation_id: int | None = None,
                    message_id: int | None = None, created_at: str | None = None) -> Experiment:
    """Keep a run; `created_at` is given only when an import brings one back."""
    if kind not in KINDS:
        raise ValueError(f"unknown experiment kind {kind!r}")
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    created = created_at or _now()
    with write_transaction(store.db):  # a savepoint inside an import's transaction
        cursor = store.db.conn.execute(
            "INSERT INTO experiments (conversation_id, message_id, kind, title, created_at, data) VALUES (?, ?, ?, ?, ?, ?)",
            (conversation_id, message_id, kind, title, created, text),
        )
    return Experiment(cursor.lastrowid, conversation_id, message_id, kind, title, created, data)


def list_experiments(store: Store, conversation_id: int | None = None, oldest_first: bool = False) -> list[Experiment]:
    """Newest first, without their data (a sample set of 50 replies is large): data is {} until loaded."""
    where, params = ("WHERE conversation_id = ?", [conversation_id]) if conversation_id is not None else ("", [])
    order = "ASC" if oldest_first else "DESC"
    rows = store.db.execute(
        f"SELECT id, conversation_id, message_id, kind, title, created_at FROM experiments {where} ORDER BY id {order}",
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
        raise ExperimentDamagedError(translate("core", "Experiment {id} is damaged in the database: {reason}").format(
            id=row[0], reason=damage_reason(error))) from None
    try:  # checked whole: the Lab window and the reports read every key without asking
        check_experiment_data(row[3], data)
    except ValueError as error:
        raise ExperimentDamagedError(translate("core", "Experiment {id} is damaged in the database: {reason}").format(
            id=row[0], reason=damage_reason(error))) from None
    return Experiment(*row[:6], data)
