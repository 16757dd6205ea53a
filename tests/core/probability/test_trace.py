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


def test_the_repeat_penalty_inputs_round_trip_and_version_1_traces_still_read():
    import zlib

    top = (TopToken(5, "a", -0.5), TopToken(6, "b", -1.5))
    plain = TokenRecord(5, "a", -0.5, 0.75, 1.0, top)
    penalised = TokenRecord(6, "b", -1.5, 0.375, 1.0, top, False, 12.25, ((5, 11.75), (9, -3.5)))
    first = TokenRecord(5, "a", -0.5, 0.75, 1.0, top, False, 12.0, ())  # nothing drawn yet: an empty window
    assert decode_trace(encode_trace([first, penalised])) == [first, penalised]
    blob = encode_trace([plain])
    assert blob[0] == 2
    # version 1 wrote the same body without the penalty section (its 4-byte "absent" flag)
    version_1 = bytes([1]) + zlib.compress(zlib.decompress(blob[1:])[:-4])
    assert decode_trace(version_1) == [plain]
