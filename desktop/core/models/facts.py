"""What a GGUF header says about a model: architecture, size, quantization, context, mode, licence, sampler defaults."""

from dataclasses import asdict, dataclass, field

from desktop.core.engine.gguf import ArrayInfo, GGUFHeader, read_header

# llama.cpp's llama_ftype values (general.file_type) -> the names its tools print
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
    12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
    19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
    26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16",
    36: "TQ1_0", 37: "TQ2_0", 38: "MXFP4_MOE",
}
# general.sampling.* (written by llama.cpp's converter from generation_config.json) -> SamplerSettings fields
SAMPLING_KEYS = {
    "temp": "temperature", "top_k": "top_k", "top_p": "top_p", "min_p": "min_p", "penalty_repeat": "repeat_penalty",
}
PROJECTOR_ARCHITECTURES = {"clip", "mmproj"}


@dataclass(frozen=True)
class ModelFacts:
    """The header's facts, plain values only (cached between scans, printed as JSON)."""

    architecture: str | None
    name: str | None  # general.name
    kind: str  # "chat" | "completion" | "projector"
    parameters: int
    file_type: str | None
    context_length: int | None
    vocabulary: int | None
    license: str | None
    base_model: str | None
    layers: int | None
    kv_heads: list[int] = field(default_factory=list)  # per layer
    heads: int | None = None
    key_length: int | None = None
    value_length: int | None = None
    sampling: dict = field(default_factory=dict)  # SamplerSettings field -> the GGUF's recommended value
    chat_template: bool = False
    block_bytes: int = 0  # tensor data of the repeating blocks (blk.N.*), all of them
    output_bytes: int = 0  # the output layer's weights (the token embeddings again when the model ties them)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "ModelFacts":
        return cls(**data)

    @property
    def parameter_label(self) -> str:
        """1.2B, 135M: the figure people name models by."""
        for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
            if self.parameters >= scale:
                return f"{self.parameters / scale:.3g}{suffix}"
        return str(self.parameters)


def facts_from_header(header: GGUFHeader, file_name: str, parameters: int) -> ModelFacts:
    meta = header.metadata
    architecture = header.architecture
    layers = _int(header.arch("block_count"))
    heads = _first(header.arch("attention.head_count"))
    embedding = _int(header.arch("embedding_length"))
    head_size = embedding // heads if embedding and heads else None
    kv_heads = header.arch("attention.head_count_kv", heads)
    if isinstance(kv_heads, list):
        per_layer = [int(n) for n in kv_heads]
    else:
        per_layer = [int(kv_heads)] * layers if isinstance(kv_heads, int) and layers else []
    vocabulary = _int(header.arch("vocab_size"))
    tokens = meta.get("tokenizer.ggml.tokens")
    if vocabulary is None and tokens is not None:
        vocabulary = tokens.count if isinstance(tokens, ArrayInfo) else len(tokens)
    projector = (
        architecture in PROJECTOR_ARCHITECTURES or meta.get("general.type") == "mmproj" or "mmproj" in file_name.lower()
    )
    template = isinstance(meta.get("tokenizer.chat_template"), str)
    return ModelFacts(
        architecture=architecture,
        name=_text(meta.get("general.name")),
        kind="projector" if projector else "chat" if template else "completion",
        parameters=parameters,
        file_type=FILE_TYPES.get(meta.get("general.file_type")) if isinstance(meta.get("general.file_type"), int) else None,
        context_length=_int(header.arch("context_length")),
        vocabulary=vocabulary,
        license=_text(meta.get("general.license")),
        base_model=_text(meta.get("general.base_model.0.repo_url") or meta.get("general.base_model.0.name")),
        layers=layers,
        kv_heads=per_layer,
        heads=heads,
        key_length=_int(header.arch("attention.key_length")) or head_size,
        value_length=_int(header.arch("attention.value_length")) or head_size,
        sampling={
            field_name: meta[f"general.sampling.{key}"]
            for key, field_name in SAMPLING_KEYS.items()
            if isinstance(meta.get(f"general.sampling.{key}"), (int, float))
        },
        chat_template=template,
        **tensor_roles(header.tensor_bytes),
    )


def tensor_roles(sizes: dict) -> dict:
    """block_bytes and output_bytes from a header's tensor_bytes (a split model's parts are added up first)."""
    return {"block_bytes": sizes.get("blocks", 0), "output_bytes": sizes.get("output") or sizes.get("token_embd", 0)}


def _int(value) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _first(value) -> int | None:
    """A per-layer list (some architectures vary the head count by layer) read as its largest entry."""
    if isinstance(value, list):
        return max((int(v) for v in value), default=None)
    return _int(value)


def _text(value) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def read_facts(path) -> ModelFacts:
    """One file's facts straight from its header (ModelLoadError when it is not a readable GGUF)."""
    header = read_header(path)
    return facts_from_header(header, path.name, header.parameters)
