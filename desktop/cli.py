"""Headless subcommands over the same core pipeline the window uses."""

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from desktop import cli_notes, cli_show, cli_transfer
from desktop.core.chat import PromptReady, ReplyRecorder, generate_reply, start_turn
from desktop.core.engine import EngineConfig, EngineError, Finished, ModelLoadError
from desktop.core.engine.llama_engine import MAX_TOP_LOGPROBS, LlamaEngine
from desktop.core.models import default_chat_model, display_name
from desktop.core.paths import DataFolderBusyError, DataFolderError, DataFolderLock, database_path, ensure_data_dir
from desktop.core.sampling import SamplerSettings
from desktop.core.store import DatabaseTooNewError, Store, open_store
from desktop.core.presets import DEFAULT_SYSTEM_PROMPT
from desktop.core.settings import load_sampler_settings

COMMANDS = ("ask", "notes", "export", "import", "show")


class UsageError(Exception):
    """Bad arguments: reported in one line, exit code 2."""


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="inkling", description="Offline chat that shows why the model said each word.")
    parser.add_argument("--version", action="store_true", help="print the app, llama.cpp and model versions")
    parser.add_argument("--self-test", action="store_true", help="check model, generation and storage headless; one JSON line")
    parser.add_argument("--model", type=Path, help="GGUF model file (default: the bundled SmolLM2-135M-Instruct)")
    commands = parser.add_subparsers(dest="command", parser_class=OneLineParser)
    ask = commands.add_parser("ask", help="ask a question headless and print the reply")
    ask.add_argument("text")
    ask.add_argument("--json", action="store_true", help="print one JSON object with tokens and stats")
    ask.add_argument("--model", type=Path, dest="ask_model", help="GGUF model file")
    ask.add_argument("--system", help="system prompt (default for a new conversation: the plain-assistant preset)")
    ask.add_argument("--temperature", type=float)
    ask.add_argument("--top-p", type=float)
    ask.add_argument("--top-k", type=int)
    ask.add_argument("--min-p", type=float)
    ask.add_argument("--repeat-penalty", type=float)
    ask.add_argument("--seed", type=int)
    ask.add_argument("--max-tokens", type=int)
    ask.add_argument("--top-logprobs", type=int, default=10, help=f"alternatives kept per token (0-{MAX_TOP_LOGPROBS})")
    ask.add_argument("--conversation", type=int, help="continue this conversation (its history is sent)")
    cli_notes.add_ask_options(ask)
    cli_notes.add_commands(commands)
    cli_transfer.add_commands(commands)
    cli_show.add_commands(commands)
    return parser


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


def ask(args) -> int:
    if not 0 <= args.top_logprobs <= MAX_TOP_LOGPROBS:
        raise UsageError(f"--top-logprobs must be between 0 and {MAX_TOP_LOGPROBS}")
    model_path = args.ask_model or args.model or default_chat_model().path
    folder = ensure_data_dir()
    store = open_store(database_path())
    lock = DataFolderLock(folder)
    try:
        lock.acquire()
        store.recover_interrupted()  # only the process owning the folder may judge a reply abandoned
    except DataFolderBusyError:
        pass  # the window is open; SQLite (WAL) lets both write safely
    try:
        settings = sampler_from_args(args, load_sampler_settings(store))
        engine = LlamaEngine(model_path, EngineConfig())  # before any conversation exists: a bad model leaves nothing behind
        conversation_id = _conversation_for(store, args)
        request = start_turn(
            store, conversation_id, args.text, settings, display_name(Path(model_path)),
            top_logprobs=args.top_logprobs,
        )
        request = cli_notes.ground(store, request, args, owns_folder=lock.held)
        return _run(store, engine, request, args)
    finally:
        lock.release()
        store.close()


def _conversation_for(store: Store, args) -> int:
    if args.conversation is None:
        return store.create_conversation(system_prompt=DEFAULT_SYSTEM_PROMPT if args.system is None else args.system).id
    if store.get_conversation(args.conversation) is None:
        raise UsageError(f"no conversation with id {args.conversation}")
    if args.system is not None:
        store.set_system_prompt(args.conversation, args.system)
    return args.conversation


def _run(store: Store, engine: LlamaEngine, request, args) -> int:
    cancel = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())
    recorder = ReplyRecorder(store, request.message_id)
    try:
        for event in generate_reply(engine, request, cancel):
            if isinstance(event, PromptReady):
                recorder.prompt = event
            elif isinstance(event, Finished):
                message = recorder.finish(event)
            else:
                recorder.add(event)
                if not args.json:
                    print(event.delta, end="", flush=True)
    except EngineError as error:
        recorder.fail(error)
        print(f"inkling: {error}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGINT, previous)
    if args.json:
        print(json.dumps({
            "conversation_id": request.conversation_id,
            "message_id": message.id,
            "model": message.model,
            "text": message.content,
            "finish_reason": message.finish_reason,
            "tokens": [record.to_json() for record in recorder.records],
            "sources": store.load_sources(message.id),
            "stats": message.stats,
        }, ensure_ascii=False))
    else:
        print()
    return 0


def main(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "ask":
            return ask(args)
        if args.command == "notes":
            return cli_notes.run(args)
        if args.command in ("export", "import"):
            return cli_transfer.run(args)
        if args.command == "show":
            return cli_show.run(args)
        raise UsageError(f"unknown command {args.command!r}")
    except (UsageError, ModelLoadError, DatabaseTooNewError, DataFolderError, *cli_notes.USER_ERRORS, *cli_transfer.USER_ERRORS,
            *cli_show.USER_ERRORS) as error:
        print(f"inkling: error: {error}", file=sys.stderr)
        return 2
