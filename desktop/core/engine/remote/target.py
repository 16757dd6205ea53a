"""Which server model to open (RemoteTarget) and opening it: llama-server by token ids, any other by messages."""

from dataclasses import dataclass

from desktop.core.engine.remote.chat import ChatServerEngine
from desktop.core.engine.remote.engine import RemoteEngine
from desktop.core.engine.remote.http import ServerAddress, open_client
from desktop.core.engine.remote.probe import IDS, probe


@dataclass(frozen=True)
class RemoteTarget:
    """A server model to open, as plain data the GUI hands to the engine thread (the key only in memory)."""

    address: ServerAddress
    label: str  # the name the user gave the server
    model: str | None = None  # None: the server's first model
    learned_contexts: tuple[tuple[str, int], ...] = ()  # the contexts its entry keeps (ServerProfile.learned_contexts)


def connect(target: RemoteTarget) -> RemoteEngine | ChatServerEngine:
    """Probe the server now (what it serves may have changed since it was added) and open the engine that fits.

    llama-server's own endpoints keep every token exact (ids); any other OpenAI-compatible server is
    driven through /v1/chat/completions and known by its token texts. Contexts the server named when it refused
    a longer prompt (kept with its entry) still hold: the probe cannot ask for them.
    """
    with open_client(target.address) as client:
        profile = probe(client, target.address).with_learned(target.learned_contexts)
    if profile.kind == "llama-server" and profile.probabilities == IDS:
        return RemoteEngine(target.address, profile, target.model, label=target.label)
    return ChatServerEngine(target.address, profile, target.model, label=target.label)
