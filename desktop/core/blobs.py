"""Stored blobs inflated under a ceiling: a damaged or hostile blob cannot take more memory than its kind needs."""

import zlib


def inflate(data: bytes, limit: int) -> bytes:
    """zlib-inflate `data`; ValueError when it would give more than `limit` bytes, zlib.error when it is damaged."""
    inflater = zlib.decompressobj()
    body = inflater.decompress(data, limit)
    if inflater.unconsumed_tail:
        raise ValueError(f"it inflates past {limit:,} bytes")
    if not inflater.eof:  # unlike zlib.decompress, a decompressor waits quietly for the rest
        raise ValueError("it is cut short")
    return body
