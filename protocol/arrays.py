"""Arrays on the wire: ``{"dt": dtype code, "sh": [dims], "b": raw little-endian bytes}``.

Raw bytes with an explicit dtype and shape decode with one ``np.frombuffer`` and no copy,
in any language; a msgpack list of floats would cost a type tag and a branch per number.
Decoded arrays are read-only views of the received bytes.
"""

from __future__ import annotations

import numpy as np

from protocol.errors import ProtocolError, kind_of, show
from protocol.limits import ALLOWED_DTYPES

# Built once: constructing dtype objects per call would cost more than decoding the array.
WIRE_DTYPES: dict[str, np.dtype] = {
    code: np.dtype(code).newbyteorder("<") for code in ALLOWED_DTYPES
}
# Per wire dtype: the numpy dtype, its size in bytes, whether it is a float type.
_ELEMENTS = {
    code: (dtype, dtype.itemsize, dtype.kind == "f") for code, dtype in WIRE_DTYPES.items()
}
_HALF_EXPONENT = np.uint16(0x7C00)  # float16 exponent bits; all set: infinity or NaN
# Most significant bytes of float32/64 elements that cannot belong to a NaN or an infinity.
_ORDINARY_HIGH_BYTES = bytes(byte for byte in range(256) if byte & 0x7F != 0x7F)


def encode_array(array: np.ndarray, dtype: str) -> dict:
    """``array`` as its wire map, converted to ``dtype`` (one of `ALLOWED_DTYPES`).

    Raises ValueError when an integer conversion would change a value: a face index that
    does not fit ``u2`` must not wrap around silently.
    """
    wire_dtype = WIRE_DTYPES[dtype]
    data = np.ascontiguousarray(array, wire_dtype)
    if data.dtype != array.dtype and wire_dtype.kind in "iu" and not np.array_equal(data, array):
        raise ValueError(f"values of a {array.dtype} array do not fit the wire dtype {dtype}")
    return {"dt": dtype, "sh": list(data.shape), "b": data.tobytes()}


def decode_array(
    value: object, dtypes: tuple[str, ...], shape: tuple[int | None, ...]
) -> np.ndarray:
    """The array in a wire map.

    `ProtocolError` (naming no field: the caller adds it) when the map is malformed, its
    dtype is not one of ``dtypes``, its bytes disagree with dtype × shape, its shape is not
    ``shape`` (whose first entry may be ``None``: any number of rows), or it holds NaN or
    an infinity (floats on the wire are always finite).
    """
    try:
        code, dims, data = value["dt"], value["sh"], value["b"]  # type: ignore[index]
    except (TypeError, KeyError, IndexError):
        raise ProtocolError(_malformed(value)) from None
    if code not in dtypes:  # a tuple: ``in`` compares, so an unhashable ``code`` is harmless
        raise ProtocolError(f"dtype {show(code)} not allowed here (allowed: {', '.join(dtypes)})")
    if type(data) is not bytes:
        raise ProtocolError(f"array data must be binary, got {kind_of(data)}")
    if type(dims) is not list or len(dims) != len(shape):
        raise ProtocolError(f"expected shape {shape_text(shape)}, got {show(dims)}")
    count = 1
    for size in dims:
        if type(size) is not int or size < 0:
            raise ProtocolError(f"shape must be non-negative integers, got {show(dims)}")
        count *= size
    wire_dtype, itemsize, is_float = _ELEMENTS[code]
    if count * itemsize != len(data):
        raise ProtocolError(
            f"shape {shape_text(dims)} of {code} needs {count * itemsize} bytes, got {len(data)}"
        )
    dims = tuple(dims)
    if dims != shape and (shape[0] is not None or dims[1:] != shape[1:]):
        raise ProtocolError(f"expected shape {shape_text(shape)}, got {shape_text(dims)}")
    flat = np.frombuffer(data, wire_dtype)
    if is_float and data and not all_finite(flat, data, itemsize):
        raise ProtocolError("contains NaN or infinite values")
    return flat if len(dims) == 1 else flat.reshape(dims)


def _malformed(value: object) -> str:
    if type(value) is not dict:
        return f"expected an array map {{dt, sh, b}}, got {kind_of(value)}"
    missing = [key for key in ("dt", "sh", "b") if key not in value]
    return f"array map without {', '.join(missing)}"


def all_finite(flat: np.ndarray, data: bytes, itemsize: int) -> bool:
    """Whether a non-empty 1-D float array (``data`` its bytes) holds no NaN and no infinity.

    Cheap in the usual case and without floating-point arithmetic, so no input can raise a
    numpy warning. float16: exactly, from the exponent bits (numpy's ``argmax`` over uint16
    is several times faster than its ``max``). float32/64: NaN and infinity have all
    exponent bits set, so their most significant byte has its low seven bits set; when no
    element's does, which bytes.translate finds at C speed, all are finite, and otherwise
    ``np.isfinite`` decides.
    """
    if itemsize == 2:
        exponents = flat.view(np.uint16) & _HALF_EXPONENT
        return exponents[exponents.argmax()] != _HALF_EXPONENT
    high_bytes = data[itemsize - 1 :: itemsize]
    return not high_bytes.translate(None, _ORDINARY_HIGH_BYTES) or bool(np.isfinite(flat).all())


def shape_text(shape: tuple | list) -> str:
    """A shape as Python writes a tuple, ``None`` (any length) as N: "(N, 3)", "(5,)"."""
    sizes = ["N" if size is None else str(size) for size in shape]
    return f"({sizes[0]},)" if len(sizes) == 1 else f"({', '.join(sizes)})"
