"""Large conversation exports made up for import tests and the import benchmark: Inkling's layout, valid throughout."""

import json
from pathlib import Path

STAMP = "2026-01-01T00:00:00+00:00"


def big_export(messages: int, title: str = "Long chat") -> dict:
    """One conversation of `messages` alternating questions and replies, each reply with a short token trace."""
    rows = []
    for number in range(1, messages + 1):
        reply = number % 2 == 0
        rows.append({
            "id": number, "parent_id": number - 1 or None, "role": "assistant" if reply else "user",
            "content": f"message {number}: " + "otters hold hands while they sleep " * 6, "status": "complete",
            "model": "m" if reply else None, "sampler": None, "stats": None, "finish_reason": None, "error": None,
            "created_at": STAMP, "updated_at": STAMP, "branch_of": None, "branch_position": None, "sources": [],
            "trace": [{"id": 5, "text": " ot", "logprob": -0.5, "sampled_prob": 0.6, "entropy": 1.0, "eog": False,
                       "top": [{"id": 6, "text": " be", "logprob": -1.5, "eog": False}]}] if reply else None,
            "prompt": None,
        })
    return {"format": "inkling.conversation", "version": 1, "inkling_version": "test", "branches": "all",
            "conversation": {"title": title, "system_prompt": "", "created_at": STAMP, "updated_at": STAMP,
                             "pinned": False, "kind": "chat"},
            "leaf": messages or None, "messages": rows, "experiments": []}


def write_big_export(path: Path, messages: int, **changes) -> Path:
    """The export written as `inkling export --format json` writes it; `changes` replace top-level values."""
    path.write_text(json.dumps({**big_export(messages), **changes}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
