"""`inkling score`, `inkling sample`, `inkling compare`: the lab's experiments headless, kept in the database."""

import json
import random
import signal
import sys
import threading
from pathlib import Path

from desktop.cli import notes
from desktop.cli.ask import add_prompt_options, sampler_from_args
from desktop.cli.usage import UsageError
from desktop.core.conversation.edits import history_before
from desktop.core.conversation.grounding import retrieval_settings
from desktop.core.errors import InklingError
from desktop.core.engine import EngineConfig
from desktop.core.engine.llama_engine import LlamaEngine
from desktop.core.lab.compare import COMPARE_REPLY, Setup, SetupError, compare_data, describe_engine, run_compare
from desktop.core.lab.sample import MAX_SAMPLES, SHORT_REPLY, sample_many
from desktop.core.lab.score import score_texts
from desktop.core.models import default_chat_model
from desktop.core.presets import DEFAULT_SYSTEM_PROMPT
from desktop.core.prompt.build import ChatMessage, build_prompt, reply_reserve
from desktop.core.settings import load_sampler_settings
from desktop.core.conversation.experiment_report import experiment_markdown
from desktop.core.store.experiments import list_experiments, load_experiment, save_experiment
from desktop.core.text import one_line
from desktop.core.workspace import open_workspace


def add_commands(commands) -> None:
    score = commands.add_parser("score", help="how likely is this? score texts after a prompt, best first")
    score.add_argument("prompt")
    score.add_argument("candidates", nargs="+", metavar="CANDIDATE")
    score.add_argument("--exact", action="store_true",
                       help="a token at a time, as generation computes them (slower; batched scores differ by up to ~0.3 nats)")
    sample = commands.add_parser("sample", help=f"draw N replies to one prompt (up to {MAX_SAMPLES}) and group them")
    sample.add_argument("prompt")
    sample.add_argument("-n", type=int, default=20, help="how many replies (default 20)")
    compare = commands.add_parser("compare", help="one of your messages answered under 2-4 setups side by side")
    compare.add_argument("message_id", type=int)
    compare.add_argument("--setup", action="append", default=[], metavar="SETUP",
                         help="e.g. 'temperature=0' or 'temperature=1.2,seed=7' or 'system=Answer in one word.'")
    for parser in (score, sample, compare):
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--model", type=Path, dest="lab_model", help="GGUF model file")
        parser.add_argument("--engine", dest="lab_engine", metavar="NAME",
                            help="a server added with `inkling engines add` instead of this laptop")
        add_prompt_options(parser)


def run(args) -> int:
    model_path = args.lab_model or args.model or default_chat_model().path
    with open_workspace(share_if_busy=True) as workspace:
        store = workspace.store
        settings = sampler_from_args(args, load_sampler_settings(store))
        if args.command == "compare":
            setups = _setups(args.setup)
            message = store.get_message(args.message_id)
            if message is None or message.role not in ("user", "assistant"):
                raise UsageError(f"no message with id {args.message_id} to compare")
            if message.role == "assistant":
                message = store.get_message(message.parent_id) if message.parent_id else None
                if message is None or message.role != "user":
                    raise UsageError(f"message {args.message_id} answers no message of yours")
        engine = _open(workspace, f"server:{args.lab_engine}") if args.lab_engine else LlamaEngine(model_path, EngineConfig())
        cancel = threading.Event()
        previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())
        try:
            if args.command == "compare":
                return _compare(workspace, engine, message, settings, setups, args, cancel)
            prompt = _prompt(engine, args, settings)
            if args.command == "score":
                return _score(store, engine, prompt, args, cancel)
            return _sample(store, engine, prompt, settings, args, cancel)
        finally:
            signal.signal(signal.SIGINT, previous)
            engine.close()


def _prompt(engine, args, settings):
    """The prompt exactly as `inkling ask` renders it for a new conversation: system prompt, then the message."""
    system = DEFAULT_SYSTEM_PROMPT if args.system is None else args.system
    budget = engine.info.n_ctx - reply_reserve(settings.max_tokens, engine.info.n_ctx)
    return build_prompt(engine, system, [ChatMessage("user", args.prompt)], budget)


def _setups(texts: list[str]) -> list[Setup]:
    try:
        return [Setup.parse(text) for text in texts]
    except SetupError as error:
        raise UsageError(str(error)) from error


def _notes_for(workspace, query: str) -> list:
    """The notes `ask` would ground the message on, for the columns with notes=on (none: said, not fatal)."""
    from desktop.core.notes import has_notes

    try:
        if not has_notes(workspace.notes_folder):
            return []
        limits = retrieval_settings(workspace.store, None, notes_exist=True)
        library = workspace.open_notes()
    except InklingError as error:
        print(f"inkling: notes unavailable, comparing without them: {error}", file=sys.stderr)
        return []
    with library:
        return notes.search(library, query, limits.top_k, limits.min_score)


def _open(workspace, key: str):
    """The engine a compare column names: model=FILE in-process, or server=NAME added with `inkling engines add`."""
    kind, _, name = key.partition(":")
    if kind == "server":
        from desktop.cli.engines import open_remote  # httpx only when a server is asked

        return open_remote(workspace, name)
    path = Path(name).expanduser()
    if not path.is_file():
        raise UsageError(f"no model file {name}")
    return LlamaEngine(path, EngineConfig())


def _score(store, engine, prompt, args, cancel) -> int:
    scored = score_texts(engine, prompt, args.candidates, top=args.top_logprobs or 1, cancel=cancel, exact=args.exact)
    data = {"prompt": args.prompt, "system_prompt": args.system, "prompt_tokens": list(prompt.tokens),
            "engine": describe_engine(engine), "candidates": [s.to_json() for s in scored]}
    save_experiment(store, "score", f"Score: {one_line(args.prompt, 40)}", data)
    if args.json:
        print(json.dumps({"candidates": data["candidates"]}, ensure_ascii=False))
        return 0
    for rank, item in enumerate(scored, 1):
        print(f"{rank}. {item.text!r}  log-prob {item.logprob:.3f}  perplexity {item.perplexity:.2f}  "
              f"({len(item.tokens)} tokens)")
    return 0


def _sample(store, engine, prompt, settings, args, cancel) -> int:
    if not 1 <= args.n <= MAX_SAMPLES:
        raise UsageError(f"-n must be between 1 and {MAX_SAMPLES}")
    if args.max_tokens is None:
        settings = settings.__class__.from_dict({**settings.to_dict(), "max_tokens": SHORT_REPLY})
    first_seed = settings.seed if settings.seed is not None else random.randrange(2**31)
    result = sample_many(engine, prompt, settings, args.n, first_seed, top_logprobs=args.top_logprobs, cancel=cancel)
    data = {"prompt": args.prompt, "system_prompt": args.system, "prompt_tokens": list(prompt.tokens),
            "first_seed": first_seed, "engine": describe_engine(engine), **result.to_json()}
    save_experiment(store, "sample", f"Sample ×{len(result.samples)}: {one_line(args.prompt, 40)}", data)
    if args.json:
        print(json.dumps({"samples": [{"seed": s.seed, "text": s.text, "tokens": [t.to_json() for t in s.tokens]}
                                      for s in result.samples],
                          "groups": data["groups"], "first_token": data["first_token"]}, ensure_ascii=False))
        return 0
    print(" · ".join(f"{one_line(text, 40)} ×{count}" for text, count in result.groups()))
    for row in result.first_tokens()[:5]:
        print(f"first token {row.text!r}: model {row.model_prob:.1%}, drawn {row.count}/{len(result.samples)}")
    return 0


def _compare(workspace, engine, message, settings, setups, args, cancel) -> int:
    store = workspace.store
    conversation = store.get_conversation(message.conversation_id)
    system = conversation.system_prompt if args.system is None else args.system
    history = [*history_before(store, message), ChatMessage("user", message.content)]
    if args.max_tokens is None:  # short, as in the Lab: not the Sampling settings' reply length
        settings = settings.__class__.from_dict({**settings.to_dict(), "max_tokens": COMPARE_REPLY})
    engines = {}
    try:  # a setup's model=FILE or server=NAME: its own engine, opened once, its columns one at a time
        for key in dict.fromkeys(s.engine for s in setups if s.engine is not None):
            engines[key] = _open(workspace, key)
        sources = _notes_for(workspace, message.content) if any(s.notes for s in setups) else []
        columns = run_compare(engine, system, history, settings, setups, top_logprobs=args.top_logprobs or 1,
                              cancel=cancel, engines=engines, sources=sources)
    finally:
        for opened in engines.values():
            opened.close()
    data = {"message_id": message.id, **compare_data([c.to_json() for c in columns], describe_engine(engine),
                                                      settings.max_tokens)}
    if sources:
        data["sources"] = [source.to_json() for source in sources]
    divergence = data["first_divergence"]
    save_experiment(store, "compare", f"Compare: {one_line(message.content, 40)}", data,
                    conversation_id=message.conversation_id, message_id=message.id)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    for column in columns:
        print(f"[{column.setup.label()}] {column.text.strip()}")
    print("the answers never part" if divergence is None else f"first divergence at token {divergence}")
    return 0


def add_experiment_commands(commands) -> None:
    experiments = commands.add_parser("experiments", help="the lab's kept runs: list them, or print one")
    experiments.add_argument("id", nargs="?", type=int, help="print this run (Markdown table, or --json with everything)")
    experiments.add_argument("--json", action="store_true")


def run_experiments(args) -> int:
    with open_workspace(write=False) as workspace:
        store = workspace.store
        if args.id is None:
            kept = list_experiments(store)
            if args.json:
                print(json.dumps([{"id": e.id, "kind": e.kind, "title": e.title, "created_at": e.created_at,
                                   "conversation_id": e.conversation_id, "message_id": e.message_id} for e in kept],
                                 ensure_ascii=False))
            for experiment in [] if args.json else kept:
                print(f"{experiment.id:>5}  {experiment.created_at[:16].replace('T', ' ')}  {experiment.title}")
            return 0
        experiment = load_experiment(store, args.id)
        if experiment is None:
            raise UsageError(f"no experiment with id {args.id}")
        print(json.dumps({"id": experiment.id, "kind": experiment.kind, "title": experiment.title,
                          "created_at": experiment.created_at, **experiment.data}, ensure_ascii=False)
              if args.json else experiment_markdown(experiment), end="\n" if args.json else "")
        return 0
