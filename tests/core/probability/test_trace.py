"""The incremental trace builder encodes exactly what encode_trace does, however the records arrive."""

import math

from hypothesis import given, settings, strategies as st

from desktop.core.probability.trace import TokenRecord, TopToken, TraceBuilder, decode_trace, encode_trace

ids = st.integers(0, 40)
alternatives = st.lists(st.builds(TopToken, ids, st.just("x"), st.floats(-70000, 0) | st.just(-math.inf), st.booleans()),
                        max_size=6).map(tuple)
records = st.lists(st.builds(TokenRecord, ids, st.just("x"), st.floats(-30, 0, width=32), st.floats(0, 1, width=32),
                             st.floats(0, 10, width=32), alternatives, st.booleans()), max_size=40)


def texts_per_id(trace: list[TokenRecord]) -> list[TokenRecord]:
    """The engine gives one text per token id; make the generated records agree with that."""
    text = lambda i: f"t{i}"  # noqa: E731
    return [TokenRecord(r.id, text(r.id), r.logprob, r.sampled_prob, r.entropy,
                        tuple(TopToken(a.id, text(a.id), a.logprob, a.eog) for a in r.top), r.eog) for r in trace]


@settings(deadline=None, max_examples=150)
@given(records, st.integers(1, 8))
def test_builder_bytes_equal_encode_trace(trace, capacity):
    trace = texts_per_id(trace)
    builder = TraceBuilder(capacity=capacity)
    for n, record in enumerate(trace):
        builder.add(record)
        if n % 7 == 0:  # encoded mid-way, as a streaming save does
            assert builder.encode() == encode_trace(trace[: n + 1])
    assert len(builder) == len(trace)
    assert builder.encode() == encode_trace(trace)
    assert decode_trace(builder.encode()) == decode_trace(encode_trace(trace))
