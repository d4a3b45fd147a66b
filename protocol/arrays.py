"""Arrays on the wire: ``{"dt": dtype code, "sh": [dims], "b": raw little-endian bytes}``.

Raw bytes with an explicit dtype and shape decode with one ``np.frombuffer`` and no copy,
in any language; msgpack arrays of floats would cost a type tag per number.
"""

from __future__ import annotations

import numpy as np

from protocol.errors import ErrorCode, ProtocolError
from protocol.limits import ALLOWED_DTYPES, MAX_ARRAY_DIMENSIONS


def encode_array(array: np.ndarray, dtype: str) -> dict:
    """``array`` converted to ``dtype`` (one of `ALLOWED_DTYPES`), as its wire map."""
    if dtype not in ALLOWED_DTYPES:
        raise ValueError(
            f"dtype {dtype!r} is not allowed on the wire ({', '.join(ALLOWED_DTYPES)})"
        )
    data = np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<"))
    return {"dt": dtype, "sh": list(data.shape), "b": data.tobytes()}


# Wire dtypes, built once (constructing np.dtype objects per call costs more than decoding).
_WIRE_DTYPES = {code: np.dtype(code).newbyteorder("<") for code in ALLOWED_DTYPES}


def decode_array(
    value: object,
    field: str,
    dtypes: tuple[str, ...] = ALLOWED_DTYPES,
    shape: tuple[int | None, ...] | None = None,
    finite: bool = True,
) -> np.ndarray:
    """The array in a wire map (read-only, a view of the message bytes); ProtocolError
    whose message starts with ``field`` (callers may pass "" and prefix it on failure).

    shape: expected dimensions, ``None`` for "any length" in a position.
    """
    if type(value) is not dict:
        raise ProtocolError(
            f"{field}: expected an array map {{dt, sh, b}}, got {type(value).__name__}"
        )
    dtype, dims, data = value.get("dt"), value.get("sh"), value.get("b")
    if dtype not in dtypes:
        raise ProtocolError(
            f"{field}: dtype {dtype!r} not allowed here (allowed: {', '.join(dtypes)})"
        )
    if type(dims) is not list or not 0 < len(dims) <= MAX_ARRAY_DIMENSIONS:
        limit = MAX_ARRAY_DIMENSIONS
        raise ProtocolError(
            f"{field}: shape must be 1 to {limit} non-negative integers, got {dims!r}"
        )
    count = 1
    for d in dims:
        if type(d) is not int or d < 0:
            raise ProtocolError(f"{field}: shape must be non-negative integers, got {dims!r}")
        count *= d
    if type(data) is not bytes:
        raise ProtocolError(f"{field}: array data must be binary, got {type(data).__name__}")
    wire_dtype = _WIRE_DTYPES[dtype]
    if count * wire_dtype.itemsize != len(data):
        needed = count * wire_dtype.itemsize
        raise ProtocolError(f"{field}: shape {tuple(dims)} needs {needed} bytes, got {len(data)}")
    if shape is not None:
        if len(shape) != len(dims):
            raise ProtocolError(
                f"{field}: expected {len(shape)} dimensions, got shape {tuple(dims)}"
            )
        for expected, actual in zip(shape, dims, strict=True):
            if expected is not None and expected != actual:
                wanted = tuple("N" if e is None else e for e in shape)
                raise ProtocolError(f"{field}: expected shape {wanted}, got {tuple(dims)}")
    array = np.frombuffer(data, dtype=wire_dtype).reshape(dims)
    # One float64 sum: any NaN or infinity makes it non-finite (f2/f4 values cannot overflow it).
    if finite and wire_dtype.kind == "f" and count and not np.isfinite(array.sum(dtype=np.float64)):
        raise ProtocolError(f"{field}: contains NaN or infinite values")
    return array if wire_dtype.isnative else array.astype(wire_dtype.newbyteorder("="))


def check_size(count: int, limit: int, field: str) -> None:
    if count > limit:
        raise ProtocolError(f"{field}: {count} exceeds the limit of {limit}", ErrorCode.TOO_LARGE)
