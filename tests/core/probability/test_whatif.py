"""The what-if distribution and the 'excluded' marks against a brute-force sampler over the full vocabulary."""

import numpy as np
import pytest

from desktop.core.probability.sampling import SamplerSettings
from desktop.core.probability.trace import TokenRecord, TopToken, TraceTable
from desktop.core.probability.whatif import inspect_position, model_distribution, sampler_view

VOCAB = 5000
HEAD = 20
COMBOS = [  # temperature, top_k, top_p, min_p
    (0.2, 40, 0.9, 0.05),
    (0.7, 5, 1.0, 0.0),
    (1.0, 0, 0.5, 0.0),
    (1.5, 0, 1.0, 0.2),
    (2.0, 15, 0.95, 0.01),
    (1.0, 0, 1.0, 0.0),
    (0.0, 40, 0.9, 0.05),
    (0.9, 3, 0.3, 0.5),
]


def brute_force(logits: np.ndarray, s: SamplerSettings) -> np.ndarray:
    """llama.cpp's chain written out the slow way: sort the whole vocabulary, cut, softmax at temperature."""
    order = np.argsort(-logits, kind="stable")
    ranked = logits[order].astype(np.float64)
    result = np.zeros(len(logits))
    if s.temperature <= 0.0:
        result[order[0]] = 1.0
        return result
    keep = min(s.top_k, len(ranked)) if s.top_k > 0 else len(ranked)
    if s.top_p < 1.0:
        kept = ranked[:keep]
        probs = np.exp(kept - kept.max()) / np.exp(kept - kept.max()).sum()
        cumulative = np.cumsum(probs)
        keep = min(keep, int(np.argmax(cumulative >= s.top_p)) + 1 if cumulative[-1] >= s.top_p else keep)
    if s.min_p > 0.0:
        keep = max(1, int(np.sum(ranked[:keep] >= ranked[0] + np.log(s.min_p))))
    scaled = ranked[:keep] / s.temperature
    final = np.exp(scaled - scaled.max())
    result[order[:keep]] = final / final.sum()
    return result


def distributions():
    rng = np.random.default_rng(7)
    peaked = rng.normal(0, 2, VOCAB).astype(np.float32)
    peaked[rng.choice(VOCAB, 4, replace=False)] += [15, 14, 12, 11]
    flat = rng.normal(0, 0.5, VOCAB).astype(np.float32)
    medium = rng.normal(0, 2.5, VOCAB).astype(np.float32)
    return {"peaked": peaked, "flat": flat, "medium": medium}


def head_of(logits: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    logprobs = logits.astype(np.float64) - np.logaddexp.reduce(logits.astype(np.float64))
    ids = np.argsort(-logprobs, kind="stable")[:size]
    return ids, logprobs[ids]


def case(shape: str, combo: tuple, head: int):
    """Settings, the brute-force distribution over the vocabulary, and the stored head (ids, logprobs)."""
    logits = distributions()[shape]
    settings = SamplerSettings(temperature=combo[0], top_k=combo[1], top_p=combo[2], min_p=combo[3])
    return settings, brute_force(logits, settings), *head_of(logits, head)


EVERY_CASE = pytest.mark.parametrize("combo", COMBOS, ids=lambda c: "T{}-k{}-p{}-m{}".format(*c))
EVERY_SHAPE = pytest.mark.parametrize("shape", ["peaked", "flat", "medium"])


@EVERY_CASE
@EVERY_SHAPE
def test_whatif_over_the_full_vocabulary_equals_brute_force(shape, combo):
    settings, reference, ids, logprobs = case(shape, combo, VOCAB)
    view = sampler_view(logprobs, settings, complete=True)
    assert view.exact
    np.testing.assert_allclose(view.probs, reference[ids], atol=1e-9)
    assert [mark is None for mark in view.excluded_by] == list(reference[ids] > 0)


@EVERY_CASE
@EVERY_SHAPE
def test_whatif_from_a_stored_head_is_exact_when_it_can_be_and_marks_agree(shape, combo):
    settings, reference, ids, logprobs = case(shape, combo, HEAD)
    view = sampler_view(logprobs, settings)
    assert abs(view.probs.sum() + view.rest - 1.0) < 1e-9
    if settings.temperature == 0.0 or 0 < settings.top_k <= HEAD:
        assert view.exact  # decidable from the head alone
    if view.exact:
        np.testing.assert_allclose(view.probs, reference[ids], atol=1e-7)
        assert abs(view.rest - reference.sum() + reference[ids].sum()) < 1e-7
        assert [mark is None for mark in view.excluded_by] == list(reference[ids] > 0)
    else:
        # estimated tail: which stored tokens are kept is still right, their probabilities approximate
        assert [mark is None for mark in view.excluded_by] == list(reference[ids] > 0)
        np.testing.assert_allclose(view.probs, reference[ids], rtol=0.6)


def test_the_peaked_defaults_are_decided_inside_a_head_of_ten():
    ids, logprobs = head_of(distributions()["peaked"], 10)
    view = sampler_view(logprobs, SamplerSettings())
    assert view.exact and view.rest == pytest.approx(0.0)


def test_excluded_marks_name_the_filter_that_dropped_each_token():
    logprobs = np.log(np.array([0.5, 0.2, 0.1, 0.05, 0.01]))
    view = sampler_view(logprobs, SamplerSettings(temperature=1.0, top_k=4, top_p=0.9, min_p=0.3))
    assert view.excluded_by == (None, None, "min-p", "top-p", "top-k")
    assert view.exact
    np.testing.assert_allclose(view.probs, [0.5 / 0.7, 0.2 / 0.7, 0, 0, 0])
    greedy = sampler_view(logprobs, SamplerSettings(temperature=0.0))
    assert greedy.excluded_by == (None,) + ("greedy",) * 4 and list(greedy.probs) == [1, 0, 0, 0, 0]


def test_temperature_reshapes_the_kept_tokens():
    logprobs = np.log(np.array([0.6, 0.3, 0.1]))
    cold = sampler_view(logprobs, SamplerSettings(temperature=0.5, top_k=3, top_p=1.0, min_p=0.0)).probs
    hot = sampler_view(logprobs, SamplerSettings(temperature=2.0, top_k=3, top_p=1.0, min_p=0.0)).probs
    assert cold[0] > 0.6 > hot[0]
    np.testing.assert_allclose(cold, np.array([0.36, 0.09, 0.01]) / 0.46)


def test_model_distribution_has_a_remainder():
    probs, rest = model_distribution(np.log(np.array([0.5, 0.25])))
    np.testing.assert_allclose(probs, [0.5, 0.25])
    assert rest == pytest.approx(0.25)


def test_whatif_through_the_stored_float16_trace_is_close():
    logits = distributions()["medium"]
    ids, logprobs = head_of(logits, HEAD)
    top = tuple(TopToken(int(i), f"t{i}", float(lp)) for i, lp in zip(ids, logprobs))
    table = TraceTable.decode(TraceTable.from_records([TokenRecord(int(ids[0]), "x", float(logprobs[0]), 1.0, 2.0, top)]).encode())
    settings = SamplerSettings(temperature=0.8, top_k=10, top_p=0.9, min_p=0.0)
    stored = sampler_view(table.top_logprobs[0].astype(np.float64), settings)
    reference = brute_force(logits, settings)
    np.testing.assert_allclose(stored.probs, reference[ids], atol=5e-3)


def poem_trace(engine, settings: SamplerSettings) -> list[TokenRecord]:
    messages = [{"role": "user", "content": "Write a short poem about the sea, with many repeated words."}]
    events = engine.stream(engine.tokenize(engine.render(messages)), settings, top_logprobs=20)
    records = [event.record for event in events if getattr(event, "record", None) is not None]
    # through the stored format, as the window reads it
    return TraceTable.decode(TraceTable.from_records(records).encode()).records()


def test_greedy_with_a_repeat_penalty_never_contradicts_itself(smollm2):
    """At T 0 with a penalty the drawn token is the argmax *after* the penalty: never marked excluded, drawn 100%."""
    used = SamplerSettings(temperature=0.0, repeat_penalty=1.3, max_tokens=64)
    trace = poem_trace(smollm2, used)
    not_top = 0
    for record in trace:
        assert record.log_z is not None  # recorded because the penalty was on
        view = inspect_position(record, used, used, drawn=False)  # raw marks, nothing forced
        chosen = [alt for alt in view.alternatives if alt.chosen]
        assert chosen and chosen[0].excluded_by is None and chosen[0].whatif == pytest.approx(1.0)
        assert view.whatif_exact and view.penalty_applied
        not_top += record.top[0].id != record.id
    assert not_top, "the penalty never changed the greedy choice: the test would not catch the old marks"


def test_whatif_at_the_replys_own_settings_gives_the_probability_it_was_drawn_with(smollm2):
    used = SamplerSettings(temperature=0.8, top_k=10, top_p=0.95, min_p=0.0, repeat_penalty=1.3, seed=5, max_tokens=48)
    trace = poem_trace(smollm2, used)
    compared = 0
    for record in trace:
        view = inspect_position(record, used, used, drawn=False)
        chosen = [alt for alt in view.alternatives if alt.chosen]
        if chosen and view.whatif_exact:
            assert chosen[0].excluded_by is None
            assert chosen[0].whatif == pytest.approx(record.sampled_prob, abs=2e-3)
            compared += 1
    assert compared == len(trace)  # top-k within the stored 20: decidable at every position


def test_a_trace_without_the_penalty_data_says_so_and_never_marks_the_drawn_token():
    top = (TopToken(1, "a", np.log(0.6)), TopToken(2, "b", np.log(0.3)))
    record = TokenRecord(2, "b", float(np.log(0.3)), 1.0, 1.0, top)  # drawn although not the argmax: a penalty ran
    used = SamplerSettings(temperature=0.0, repeat_penalty=1.1)
    view = inspect_position(record, used, used)
    assert not view.penalty_applied and not view.whatif_exact
    assert [alt.excluded_by for alt in view.alternatives] == ["greedy", None]
