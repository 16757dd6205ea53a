"""`inkling engines add|list|remove|test`: the remote servers (llama-server, OpenAI-compatible) a user added."""

import getpass
import json
import os
import sys
from dataclasses import replace

from desktop.core.engine.remote.target import connect
from desktop.core.engine.remote.http import fingerprint, plain_http_warning
from desktop.core.engine.remote.servers import (
    KeyStore, ServerEntry, find, load_entries, new_entry, probe_entry, save_entries, target_of,
    trust_certificate,
)
from desktop.core.errors import InklingError
from desktop.core.workspace import open_workspace


class EnginesUsageError(InklingError):
    """Bad arguments for an engines command: one line, exit code 2."""


def add_commands(commands) -> None:
    engines = commands.add_parser("engines", help="add, list, test and remove remote servers (llama-server, …)")
    actions = engines.add_subparsers(dest="engines_command", required=True, parser_class=type(engines))
    add = actions.add_parser("add", help="add a server and probe what it can do")
    add.add_argument("name")
    add.add_argument("url", help="e.g. http://127.0.0.1:8080 or https://gpu-box.example:8443")
    key = add.add_mutually_exclusive_group()
    key.add_argument("--api-key-env", metavar="VAR", help="read the API key from this environment variable at use time")
    key.add_argument("--api-key-stdin", action="store_true",
                     help="read the API key from standard input (or a prompt) and keep it in the keyring")
    add.add_argument("--no-probe", action="store_true", help="add without asking the server now")
    add.add_argument("--trust-fingerprint", metavar="SHA256",
                     help="trust this server's own self-signed certificate, if its SHA-256 fingerprint is this one "
                          "(on the server: openssl x509 -noout -fingerprint -sha256 -in cert.pem)")
    listing = actions.add_parser("list", help="the added servers and what they can do")
    listing.add_argument("--json", action="store_true")
    remove = actions.add_parser("remove", help="forget a server and its stored key")
    remove.add_argument("name")
    test = actions.add_parser("test", help="probe a server again and show what it can do")
    test.add_argument("name")
    test.add_argument("--json", action="store_true")


def run(args) -> int:
    handlers = {"add": _add, "list": _list, "remove": _remove, "test": _test}
    with open_workspace(share_if_busy=True) as workspace:
        return handlers[args.engines_command](workspace, args)


def open_remote(workspace, name: str, model: str | None = None):
    """The named server's engine (probed again now: what it serves may have changed since it was added)."""
    entry = find(load_entries(workspace.store), name)
    return connect(target_of(entry, KeyStore(workspace.folder), model))


def _add(workspace, args) -> int:
    store, keys = workspace.store, KeyStore(workspace.folder)
    entries = load_entries(store)
    if any(entry.name == args.name for entry in entries):
        raise EnginesUsageError(f"A server named {args.name!r} exists; remove it first or pick another name.")
    entry = new_entry(args.name, args.url, args.api_key_env)
    if args.api_key_stdin:
        secret = getpass.getpass("API key: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
        if not secret:
            raise EnginesUsageError("No API key was given.")
        entry = replace(entry, key_in=keys.put(entry.name, secret))
        if entry.key_in == "file":
            print(keys.note, file=sys.stderr)
    try:
        if args.trust_fingerprint:
            entry = trust_certificate(entry, args.trust_fingerprint)
            print(f"trusted {entry.url}'s certificate {fingerprint(entry.certificate)} for this server only")
        if not args.no_probe:
            entry = probe_entry(entry, keys)
    except InklingError:
        if entry.key_in:
            keys.delete(entry.name)  # nothing half-added stays behind
        raise
    save_entries(store, [*entries, entry])
    print(f"added {entry.name}: {entry.url}")
    _print_profile(entry)
    return 0


def _list(workspace, args) -> int:
    entries = load_entries(workspace.store)
    if args.json:
        print(json.dumps([_shown(entry) for entry in entries], ensure_ascii=False))
        return 0
    if not entries:
        print("no servers yet: inkling engines add NAME URL")
    for entry in entries:
        print(f"{entry.name}\t{entry.url}\t{_key_source(entry)}")
        _print_profile(entry, indent="  ")
    return 0


def _remove(workspace, args) -> int:
    store = workspace.store
    entries = load_entries(store)
    entry = find(entries, args.name)
    KeyStore(workspace.folder).delete(entry.name)
    save_entries(store, [e for e in entries if e.name != entry.name])
    print(f"removed {entry.name}")
    return 0


def _test(workspace, args) -> int:
    store = workspace.store
    entries = load_entries(store)
    entry = probe_entry(find(entries, args.name), KeyStore(workspace.folder))
    save_entries(store, [entry if e.name == entry.name else e for e in entries])
    if args.json:
        print(json.dumps(_shown(entry), ensure_ascii=False))
    else:
        _print_profile(entry)
    return 0


def _shown(entry: ServerEntry) -> dict:
    """What list/test print: the entry and its probe, never a key (only where the key comes from)."""
    profile = entry.server_profile
    shown = {"name": entry.name, "url": entry.url, "api_key": _key_source(entry), "warning": plain_http_warning(entry.url),
             "trusted_certificate": fingerprint(entry.certificate) if entry.certificate else None}
    if profile is not None:
        n_ctx, source = profile.context_of(profile.models[0])
        shown.update(kind=profile.kind, models=list(profile.models), n_ctx=n_ctx, n_ctx_source=source,
                     learned_contexts=dict(profile.learned_contexts),
                     probabilities=profile.probabilities, top_k=profile.top_k, capabilities=profile.capability_line)
    return shown


def _key_source(entry: ServerEntry) -> str:
    if entry.api_key_env:
        return f"key from ${entry.api_key_env}" + ("" if os.environ.get(entry.api_key_env) else " (not set now)")
    return {"keyring": "key in the system keyring", "file": "key in the data folder (0600 file)"}.get(entry.key_in, "no key")


def _print_profile(entry: ServerEntry, indent: str = "") -> None:
    profile = entry.server_profile
    if profile is None:
        print(f"{indent}not probed yet: inkling engines test {entry.name}")
        return
    print(f"{indent}{profile.kind} · models: {', '.join(profile.models)}")
    print(f"{indent}{profile.capability_line}")
    warning = plain_http_warning(entry.url)
    if warning:
        print(f"{indent}warning: {warning}")
