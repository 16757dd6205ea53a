"""What a server is and what it can do, asked once per server and kept in a small record the UI reads."""

from dataclasses import asdict, dataclass, replace

import httpx

from desktop.core.engine.remote.http import (
    RemoteError, ServerAddress, plain_http_warning, request_json, status_error,
)
from desktop.core.engine.types import ASSUMED, DEFAULT_CONTEXT, KNOWN, LEARNED
from desktop.core.probability.sampling import EXTRA_SAMPLERS
from desktop.core.words import translate

# How much a server can say about its tokens, from most to least.
IDS = "ids"  # top-k log-probabilities with token ids (llama-server): exact branching
TEXT = "text"  # top-k log-probabilities as text only (Ollama, vLLM, OpenAI): branching by text
NONE = "none"  # no log-probabilities (LM Studio today)
LLAMA_SERVER_MAX_PROBS = 20
# Servers whose OpenAI-compatible API takes top-k, min-p and the repeat penalty too, by /v1/models' owned_by
# (llama-server is known by /props). Others (Ollama, OpenAI, LM Studio…) take OpenAI's samplers only.
ALL_SAMPLERS_OWNERS = {"vllm", "llamacpp"}


@dataclass(frozen=True)
class ServerProfile:
    """The answer of one probe: plain data, saved beside the server's entry and shown in the Add server dialog."""

    kind: str  # "llama-server" or "openai-compatible"
    models: tuple[str, ...]
    n_ctx: int | None  # the server's context per request, when it says
    probabilities: str  # IDS | TEXT | NONE
    top_k: int  # how many alternatives per token it returns (0 with NONE)
    chat_template: str | None = None  # the GGUF template the server reports (/props), rendered in our sandbox
    bos_token: str = ""
    eos_token: str = ""
    build: str = ""
    n_vocab: int | None = None  # llama-server's /v1/models meta
    warning: str | None = None  # plain http to another machine
    ignored_samplers: tuple[str, ...] = ()  # samplers its API does not take (EXTRA_SAMPLERS' names): never sent
    # samplers the server turns on when a request leaves them out (its published defaults): always sent, off included
    on_by_default: tuple[str, ...] = ()
    # (model, context) a server that names no context (llama-cpp-python's) named when it refused a longer prompt
    learned_contexts: tuple[tuple[str, int], ...] = ()

    def context_of(self, model: str) -> tuple[int, str]:
        """The context a request to `model` may fill, and how it is known (KNOWN, LEARNED, or ASSUMED: a guess).

        A refusal wins over what the server reports: it is what the server did with a real request."""
        learned = dict(self.learned_contexts).get(model)
        if learned:
            return learned, LEARNED
        return (self.n_ctx, KNOWN) if self.n_ctx else (DEFAULT_CONTEXT, ASSUMED)

    def with_learned(self, contexts) -> "ServerProfile":
        """This profile with contexts learned from refusals (pairs or a dict), the newest per model winning."""
        merged = dict(self.learned_contexts) | dict(contexts)
        return replace(self, learned_contexts=tuple(sorted(merged.items())))

    @property
    def capability_line(self) -> str:
        """The plain-language line of the Add server dialog and `inkling engines test`."""
        if self.probabilities == IDS:
            line = translate("core", "Probabilities: top {k} with token ids, exact branching; entropy estimated from the top {k}")
        elif self.probabilities == TEXT and self.chat_template is None:
            # a continuation by text needs the prompt rendered as the server renders a chat (ChatServerEngine.branching)
            line = translate("core", "Probabilities: top {k}, no token ids; no branching: the server does not report "
                                     "its chat template")
        elif self.probabilities == TEXT:
            line = translate("core", "Probabilities: top {k}, no token ids: branching by text (may re-tokenize)")
        else:
            line = translate("core", "No probabilities: the probability view stays empty for this server's replies")
        line = line.format(k=self.top_k)
        n_ctx, source = self.context_of(self.models[0]) if self.models else (self.n_ctx or DEFAULT_CONTEXT, ASSUMED)
        if source == LEARNED:
            return translate("core", "{line} · context {n_ctx} tokens (named by the server when it refused a longer "
                                     "prompt)").format(line=line, n_ctx=f"{n_ctx:,}")
        if source == ASSUMED:
            return translate("core", "{line} · context not reported: {n_ctx} tokens assumed until the server refuses "
                                     "a longer prompt").format(line=line, n_ctx=f"{n_ctx:,}")
        return translate("core", "{line} · context {n_ctx} tokens").format(line=line, n_ctx=f"{n_ctx:,}")

    def to_dict(self) -> dict:
        return {**asdict(self), "models": list(self.models), "ignored_samplers": list(self.ignored_samplers),
                "on_by_default": list(self.on_by_default), "learned_contexts": dict(self.learned_contexts)}

    @classmethod
    def from_dict(cls, values: dict) -> "ServerProfile":
        values = dict(values)
        values["models"] = tuple(values.get("models") or ())
        values["ignored_samplers"] = tuple(values.get("ignored_samplers") or ())
        values["on_by_default"] = tuple(values.get("on_by_default") or ())
        learned = values.get("learned_contexts")
        values["learned_contexts"] = tuple(sorted(
            (str(model), n_ctx) for model, n_ctx in (learned.items() if isinstance(learned, dict) else ())
            if isinstance(n_ctx, int) and n_ctx > 0))
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})


def probe(client: httpx.Client, address: ServerAddress) -> ServerProfile:
    """Ask the server what it is: /v1/models, then llama-server's /props; others get one tiny logprobs request."""
    url = address.url
    listed = request_json(client, "GET", "/v1/models", url)
    models = tuple(str(m.get("id")) for m in listed.get("data") or () if isinstance(m, dict) and m.get("id"))
    if not models:
        raise RemoteError(translate("core", "{url}/v1/models lists no model: not an OpenAI-compatible server, or "
                                            "nothing loaded.").format(url=url))
    warning = plain_http_warning(url)
    props = _props(client, url)
    if props is not None:
        settings = props.get("default_generation_settings") or {}
        n_ctx = settings.get("n_ctx") or _model_context(listed)
        return ServerProfile(
            kind="llama-server", models=models, n_ctx=int(n_ctx) if n_ctx else None, probabilities=IDS,
            top_k=LLAMA_SERVER_MAX_PROBS, chat_template=props.get("chat_template") or None,
            bos_token=props.get("bos_token") or "", eos_token=props.get("eos_token") or "",
            build=str(props.get("build_info") or ""), warning=warning, n_vocab=_model_meta(listed, "n_vocab"),
        )
    probabilities, top_k = _logprobs_support(client, url, models[0])
    published = _published_samplers(client)
    if published is None:
        owners = {str(m.get("owned_by", "")).lower() for m in listed.get("data") or () if isinstance(m, dict)}
        ignored, on_by_default = (() if owners & ALL_SAMPLERS_OWNERS else tuple(EXTRA_SAMPLERS)), ()
    else:
        ignored = tuple(name for name in EXTRA_SAMPLERS if name not in published)
        on_by_default = tuple(name for name, value in published.items() if value not in (None, EXTRA_SAMPLERS[name]))
    n_ctx = _model_context(listed) or _native_context(client, models[0])
    return ServerProfile(kind="openai-compatible", models=models, n_ctx=n_ctx,
                         probabilities=probabilities, top_k=top_k, warning=warning, ignored_samplers=ignored,
                         on_by_default=on_by_default)


def _published_samplers(client: httpx.Client) -> dict | None:
    """The extra samplers the chat endpoint's published request schema takes, with its defaults (None: not said).

    FastAPI servers (llama-cpp-python's, vLLM) publish /openapi.json. llama-cpp-python's server takes top_k,
    min_p and repeat_penalty and, left out of a request, samples with 40, 0.05 and 1.1: they must be sent, off too.
    """
    try:
        response = client.get("/openapi.json")
        spec = response.json() if response.status_code == 200 else None
        schema = spec["paths"]["/v1/chat/completions"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        if "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        properties = schema["properties"]
    except (httpx.HTTPError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(properties, dict):
        return None
    names = {name: name for name in EXTRA_SAMPLERS} | {"repetition_penalty": "repeat_penalty"}  # vLLM's name
    return {ours: (properties[theirs] or {}).get("default") if isinstance(properties[theirs], dict) else None
            for theirs, ours in names.items() if theirs in properties}


def _props(client: httpx.Client, url: str) -> dict | None:
    """llama-server's /props, or None when the server is not llama-server."""
    try:
        response = client.get("/props")
    except httpx.HTTPError:
        return None
    if response.status_code in (401, 403):
        raise status_error(response, url)
    try:
        body = response.json() if response.status_code == 200 else None
    except ValueError:
        return None
    return body if isinstance(body, dict) and "default_generation_settings" in body else None


def _model_context(listed: dict) -> int | None:
    """The context a server names for its model: vLLM's max_model_len, else llama-server's training context."""
    for model in listed.get("data") or ():
        if isinstance(model, dict) and isinstance(model.get("max_model_len"), int):
            return model["max_model_len"]
    return _model_meta(listed, "n_ctx_train")


def _native_context(client: httpx.Client, model: str) -> int | None:
    """The context a server's own API names for the model as loaded: LM Studio's /api/v0/models
    (loaded_context_length) or Ollama's /api/ps (context_length, only while the model is loaded).

    Never the model's maximum (LM Studio's max_context_length, Ollama's /api/show): both load a model with a smaller
    context by default, and a context taken too large is the one that fails (the server refuses or cuts the prompt).
    """
    for path, listing, name, key in (("/api/v0/models", "data", "id", "loaded_context_length"),
                                     ("/api/ps", "models", "model", "context_length")):
        try:
            response = client.get(path)
            body = response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            continue
        entries = body.get(listing) if isinstance(body, dict) else None
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and model in (entry.get(name), entry.get("name")) \
                    and isinstance(entry.get(key), int) and entry[key] > 0:
                return entry[key]
    return None


def _model_meta(listed: dict, key: str) -> int | None:
    for model in listed.get("data") or ():
        meta = model.get("meta") if isinstance(model, dict) else None
        value = meta.get(key) if isinstance(meta, dict) else None
        if isinstance(value, int):
            return value
    return None


def _logprobs_support(client: httpx.Client, url: str, model: str) -> tuple[str, int]:
    """One token of a chat completion with logprobs asked: does the answer carry them, and with ids?"""
    body = request_json(client, "POST", "/v1/chat/completions", url, json={
        "model": model, "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1,
        "logprobs": True, "top_logprobs": LLAMA_SERVER_MAX_PROBS, "temperature": 0,
    })
    choices = body.get("choices") or [{}]
    content = ((choices[0] or {}).get("logprobs") or {}).get("content") or []
    if not content:
        return NONE, 0
    entry = content[0]
    top = len(entry.get("top_logprobs") or ())
    return (IDS if "id" in entry else TEXT), top
