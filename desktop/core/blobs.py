"""Stored blobs inflated under a ceiling: a damaged or hostile blob cannot take more memory than its kind needs."""

import json
import struct
import zlib

from desktop.core.words import Words, translate


def inflate(data: bytes, limit: int) -> bytes:
    """zlib-inflate `data`; ValueError when it would give more than `limit` bytes, zlib.error when it is damaged."""
    inflater = zlib.decompressobj()
    body = inflater.decompress(data, limit)
    if inflater.unconsumed_tail:
        raise ValueError(translate("core", "it inflates past {limit} bytes").format(limit=f"{limit:,}"))
    if not inflater.eof:  # unlike zlib.decompress, a decompressor waits quietly for the rest
        raise ValueError(translate("core", "it is cut short"))
    return body


def damage_reason(error: BaseException) -> Words | str:
    """Why a stored value could not be read, in words the window translates: the core's own reason as it said
    it, or what a decoder's error (zlib, struct, json) means, instead of the decoder's own English."""
    if error.args and isinstance(error.args[0], Words):
        return error.args[0]
    if isinstance(error, zlib.error):
        return translate("core", "its compressed bytes are damaged")
    if isinstance(error, struct.error):
        return translate("core", "it is shorter than its own sizes say")
    if isinstance(error, json.JSONDecodeError):
        return translate("core", "it is not valid JSON (at character {position})").format(position=error.pos)
    if isinstance(error, RecursionError):
        return translate("core", "it nests values too deeply")
    if isinstance(error, (KeyError, AttributeError, TypeError)):
        return translate("core", "a part of it is missing or of the wrong kind")
    return str(error)
