"""`inkling show MESSAGE_ID [--json]`: a stored message with its tokens, their alternatives and its branches."""

import json

from desktop.core.errors import InklingError
from desktop.core.probability.heatmap import percent
from desktop.core.store import Message, Store
from desktop.core.probability.summary import summarize
from desktop.core.probability.trace import TraceFormatError, TraceTable
from desktop.core.workspace import open_workspace


class MessageNotFoundError(InklingError):
    """No message has that id."""


def add_commands(commands) -> None:
    show = commands.add_parser("show", help="print a stored message with its tokens and branches")
    show.add_argument("message_id", type=int)
    show.add_argument("--json", action="store_true", help="one JSON object: text, tokens, branches, summary")


def run(args) -> int:
    with open_workspace(write=False) as workspace:  # a read: it never takes the folder from the window
        shown = describe(workspace.store, args.message_id)
    if args.json:
        print(json.dumps(shown, ensure_ascii=False))
    else:
        print(_as_text(shown))
    return 0


def describe(store: Store, message_id: int) -> dict:
    message = store.get_message(message_id)
    if message is None:
        raise MessageNotFoundError(f"no message with id {message_id}")
    table, trace_error = None, None
    try:
        table = store.load_trace_table(message_id)
    except TraceFormatError as error:
        trace_error = str(error)
    siblings = [m.id for m in store.siblings(message_id)]
    return {
        "message_id": message.id,
        "conversation_id": message.conversation_id,
        "parent_id": message.parent_id,
        "role": message.role,
        "model": message.model,
        "engine": message.engine or ({"kind": "in-process", "entropy": "exact"} if message.role == "assistant" else None),
        "status": message.status,
        "finish_reason": message.finish_reason,
        "text": message.content,
        "sampler": message.sampler,
        "stats": message.stats,
        "created_at": message.created_at,
        "branch": {"of": message.branch_of, "position": message.branch_position},
        "siblings": siblings,
        "sibling_index": siblings.index(message.id) + 1,
        "branches": [_branch(store, branch) for branch in store.branches_from(message_id)],
        "tokens": [record.to_json() for record in table.records()] if table is not None else [],
        "eog_ids": sorted(table.eog_ids) if table is not None else [],
        "summary": _summary(table),
        "trace_error": trace_error,
        "damaged": list(message.damaged) + (["trace"] if trace_error else []),
    }


def _branch(store: Store, branch: Message) -> dict:
    token = None
    try:
        table = store.load_trace_table(branch.id)
    except TraceFormatError:
        table = None
    if table is not None and branch.branch_position is not None and branch.branch_position < len(table):
        record = table.record(branch.branch_position)
        token = {"id": record.id, "text": record.text}
    return {"message_id": branch.id, "position": branch.branch_position, "token": token}


def _summary(table: TraceTable | None) -> dict | None:
    summary = summarize(table.logprobs, table.token_texts()) if table is not None else None
    if summary is None:
        return None
    return {
        "mean_logprob": summary.mean_logprob,
        "perplexity": summary.perplexity,
        "least_confident": [
            {"start": s.start, "end": s.end, "token": s.weakest, "text": s.text, "probability": s.probability}
            for s in summary.least_confident
        ],
    }


def _as_text(shown: dict) -> str:
    lines = [f"message {shown['message_id']} ({shown['role']}, {shown['status']}"
             f"{', ' + shown['model'] if shown['model'] else ''}) · branch {shown['sibling_index']}/{len(shown['siblings'])}",
             shown["text"]]
    engine = shown["engine"]
    if engine and engine.get("kind") != "in-process":
        lines.append(f"written by {engine.get('kind')} {engine.get('server')!r} ({engine.get('model')}); "
                     f"entropy: {engine.get('entropy', 'estimated')}")
    stats = shown["stats"] or {}
    if stats.get("textless_tokens"):
        lines.append(f"characters missing: {stats['textless_tokens']} tokens came without their text from the server")
    if stats.get("held_back_at") is not None:
        lines.append(f"branching after token {stats['held_back_at'] + 1} unavailable: the server held back the first "
                     "tokens of a character and sent it with its last token only")
    if shown["branch"]["of"] is not None:
        lines.append(f"continued from message {shown['branch']['of']} at token {shown['branch']['position']}")
    for branch in shown["branches"]:
        token = branch["token"]["text"] if branch["token"] else "?"
        lines.append(f"branch: message {branch['message_id']} puts {token!r} at token {branch['position']}")
    summary = shown["summary"]
    if summary is not None:
        weakest = ", ".join(f"{s['text'].strip()!r} {percent(s['probability'])}" for s in summary["least_confident"])
        lines.append(f"{len(shown['tokens'])} tokens · mean log-prob {summary['mean_logprob']:.3f} · "
                     f"perplexity {summary['perplexity']:.2f} · least confident: {weakest}")
    elif shown["trace_error"]:
        lines.append(f"no token data: {shown['trace_error']}")
    if shown["damaged"]:
        lines.append(f"damaged, could not be read: {', '.join(shown['damaged'])}")
    return "\n".join(lines)
