"""`inkling ask TEXT`: one reply headless, through the same core pipeline the window uses."""

import json
import sys
from pathlib import Path

from desktop.cli import interrupt, notes
from desktop.cli.models import resolve_model
from desktop.cli.usage import UsageError
from desktop.core.conversation.turns import generate_reply, start_turn
from desktop.core.conversation.session import ReplySession
from desktop.core.engine import Engine, EngineError, TokenEvent
from desktop.core.engine.llama_engine import MAX_TOP_LOGPROBS, LlamaEngine
from desktop.core.models import default_chat_model, display_name
from desktop.core.models.settings import model_engine_config, model_samplers
from desktop.core.presets import DEFAULT_SYSTEM_PROMPT
from desktop.core.probability.sampling import SamplerSettings
from desktop.core.settings import load_sampler_settings
from desktop.core.store import Store
from desktop.core.workspace import open_workspace


def add_commands(commands) -> None:
    ask = commands.add_parser("ask", help="ask a question headless and print the reply")
    ask.add_argument("text")
    ask.add_argument("--json", action="store_true", help="print one JSON object with tokens and stats")
    ask.add_argument("--model", dest="ask_model", metavar="NAME_OR_PATH",
                     help="GGUF model file or a name from `inkling models` (with --engine: the server's model)")
    ask.add_argument("--engine", metavar="NAME", help="a server added with `inkling engines add` instead of this laptop")
    add_prompt_options(ask)
    ask.add_argument("--conversation", type=int, help="continue this conversation (its history is sent)")
    notes.add_ask_options(ask)


def add_prompt_options(parser) -> None:
    """The system prompt and sampler options, shared by ask and the lab's commands (the same prompt, the same draw)."""
    parser.add_argument("--system", help="system prompt (default for a new conversation: the plain-assistant preset)")
    parser.add_argument("--temperature", type=float)
    parser.add_argument("--top-p", type=float)
    parser.add_argument("--top-k", type=int)
    parser.add_argument("--min-p", type=float)
    parser.add_argument("--repeat-penalty", type=float)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--max-tokens", type=int)
    parser.add_argument("--top-logprobs", type=int, default=10, help=f"alternatives kept per token (0-{MAX_TOP_LOGPROBS})")


def sampler_from_args(args, base: SamplerSettings) -> SamplerSettings:
    overrides = {
        name: getattr(args, name)
        for name in ("temperature", "top_p", "top_k", "min_p", "repeat_penalty", "seed", "max_tokens")
        if getattr(args, name) is not None
    }
    try:
        return SamplerSettings.from_dict({**base.to_dict(), **overrides}).validated()
    except ValueError as error:
        raise UsageError(str(error)) from error


def run(args) -> int:
    if not 0 <= args.top_logprobs <= MAX_TOP_LOGPROBS:
        raise UsageError(f"--top-logprobs must be between 0 and {MAX_TOP_LOGPROBS}")
    model_path = args.ask_model or args.model or default_chat_model().path
    # Beside an open window too: SQLite (WAL) lets both write; the window keeps the lock and the recovery.
    with open_workspace(share_if_busy=True) as workspace:
        store = workspace.store
        base = load_sampler_settings(store)
        # The engine before any conversation exists: a bad model or an unreachable server leaves nothing behind.
        if args.engine:
            from desktop.cli.engines import open_remote  # httpx only when a server is asked
            from desktop.core.engine.remote.engine import remote_model_name

            engine = open_remote(workspace, args.engine, str(args.ask_model) if args.ask_model else None)
            model_name, described = remote_model_name(engine.info.name, engine.label), engine.describe()
            chosen = sampler_from_args(args, base)
            settings = chosen.without(engine.info.ignored_samplers)  # the reply records what it is sampled with
            dropped = [name for name in engine.info.ignored_samplers if getattr(chosen, name) != getattr(settings, name)]
            if dropped:
                print(f"{engine.label} takes OpenAI's samplers only: {', '.join(dropped)} not sent", file=sys.stderr)
        else:
            model_path = resolve_model(store, model_path)
            engine = LlamaEngine(model_path, model_engine_config(store, model_path))
            model_name, described = display_name(Path(model_path)), None
            settings = sampler_from_args(args, model_samplers(store, model_path, base))  # the flags over the model's own
        conversation_id = _conversation_for(store, args)
        request = start_turn(
            store, conversation_id, args.text, settings, model_name, top_logprobs=args.top_logprobs, engine=described,
        )
        request = notes.ground(workspace, request, args)
        try:
            return _run(store, engine, request, args)
        finally:
            if args.engine:  # a context the server named by refusing the prompt is kept with its entry
                from desktop.core.engine.remote.servers import remember_context
                remember_context(store, engine.info)


def _conversation_for(store: Store, args) -> int:
    if args.conversation is None:
        return store.create_conversation(system_prompt=DEFAULT_SYSTEM_PROMPT if args.system is None else args.system).id
    if store.get_conversation(args.conversation) is None:
        raise UsageError(f"no conversation with id {args.conversation}")
    if args.system is not None:
        store.set_system_prompt(args.conversation, args.system)
    return args.conversation


def _run(store: Store, engine: Engine, request, args) -> int:
    session = ReplySession(store, request.message_id)
    try:
        with interrupt.cancellable() as cancel:  # Ctrl+C ends the reply as cancelled, saved
            for event in generate_reply(engine, request, cancel):
                session.apply(event)
                if session.save_error is not None:  # a full disk: stop generating; what was saved is kept
                    cancel.set()
                    break
                if isinstance(event, TokenEvent) and not args.json:
                    print(event.delta, end="", flush=True)
    except EngineError as error:
        session.fail(error)
        print(f"inkling: {error}", file=sys.stderr)
        return 1
    if session.save_error is not None:
        if not args.json:
            print()  # end the line of text printed so far
        raise session.save_error
    message = session.message
    if args.json:
        print(json.dumps({
            "conversation_id": request.conversation_id,
            "message_id": message.id,
            "model": message.model,
            "engine": message.engine or {"kind": "in-process"},
            "text": message.content,
            "finish_reason": message.finish_reason,
            "tokens": [record.to_json() for record in session.table.records()],
            "sources": store.load_sources(message.id),
            "stats": message.stats,
        }, ensure_ascii=False))
    else:
        print()
    return 0
