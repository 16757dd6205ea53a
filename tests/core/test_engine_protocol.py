"""The Engine protocol: LlamaEngine and the test fake satisfy it, method signatures included."""

import inspect
import typing

import pytest

from desktop.core.engine import IN_PROCESS, Capabilities, Engine
from desktop.core.engine.llama_engine import LlamaEngine
from tests.fakes import FakeEngine

MEMBERS = [name for name in dir(Engine) if not name.startswith("_") and callable(getattr(Engine, name))]


def shape(function) -> list[tuple]:
    """A method's parameters as (name, kind, default), without self."""
    parameters = list(inspect.signature(function).parameters.values())[1:]
    return [(p.name, p.kind, p.default) for p in parameters]


def test_the_protocol_is_what_a_reply_uses():
    assert set(MEMBERS) == {
        "render", "tokenize", "token_text", "token_piece", "token_bytes", "is_eog", "stream", "close",
    }
    assert set(typing.get_type_hints(Engine)) == {"info", "capabilities"}


@pytest.mark.parametrize("engine_class", [LlamaEngine, FakeEngine])
@pytest.mark.parametrize("member", MEMBERS)
def test_every_method_has_the_protocols_signature(engine_class, member):
    # runtime_checkable isinstance looks at names only, so parameters, kinds and defaults are compared here
    assert shape(getattr(engine_class, member)) == shape(getattr(Engine, member))


@pytest.mark.parametrize("member", MEMBERS)
def test_llama_engine_annotations_match_the_protocol(member):
    expected = typing.get_type_hints(getattr(Engine, member))
    assert typing.get_type_hints(getattr(LlamaEngine, member)) == expected


@pytest.mark.slow
@pytest.mark.parametrize("name", ["smollm2", "gemma"])
def test_llama_engine_is_an_engine_with_exact_capabilities(request, name):
    engine = request.getfixturevalue(name)
    assert isinstance(engine, Engine)
    assert engine.capabilities == IN_PROCESS
    assert engine.capabilities.full_vocabulary_entropy and engine.capabilities.exact_branching


def test_fake_engine_is_an_engine_and_can_play_a_weaker_one():
    assert isinstance(FakeEngine("fake.gguf"), Engine)
    remote = Capabilities(token_ids=False, exact_branching=False, full_vocabulary_entropy=False)
    assert FakeEngine("fake.gguf", capabilities=remote).capabilities == remote


def test_capabilities_are_frozen():
    with pytest.raises(AttributeError):
        IN_PROCESS.token_ids = False


def test_an_object_missing_a_method_is_not_an_engine():
    class Partial:
        info = capabilities = None

        def render(self, messages):
            return ""

    assert not isinstance(Partial(), Engine)
