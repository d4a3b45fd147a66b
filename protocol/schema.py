"""The machinery behind every message: a `Schema` lists a map's fields (wire key, field name,
kind of value, required or not), and each kind converts one value between its Python form
and its wire form, validating what it receives.

One table per message drives both directions, so the encoder and the decoder cannot drift
apart, and a test reads PROTOCOL.md's tables against the same tables. Decoding raises
`ProtocolError`; a field's path is added only while an error travels up, so a valid
message pays nothing for the error messages it did not need.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from protocol.arrays import WIRE_DTYPES, decode_array, encode_array, shape_text
from protocol.errors import ErrorCode, ProtocolError, kind_of, show
from protocol.limits import MAX_ID_CHARS, MAX_LIST_ITEMS

# A numpy dtype's wire code, for the dtypes that have one (native little-endian ones too).
_DTYPE_CODES = {dtype: code for code, dtype in WIRE_DTYPES.items()}


class Kind(Protocol):
    """A kind of value: converts it to its wire form and back (validating what it receives)."""

    def encode(self, value: Any) -> Any: ...

    def decode(self, value: object) -> Any: ...


@dataclass(frozen=True, slots=True)
class Text:
    """A UTF-8 string of ``min_chars``..``max_chars`` characters, one of ``choices`` if given."""

    max_chars: int = MAX_ID_CHARS
    min_chars: int = 1
    choices: tuple[str, ...] | None = None

    def encode(self, value: str) -> str:
        return value

    def decode(self, value: object) -> str:
        if type(value) is not str:
            raise ProtocolError(f"expected a string, got {kind_of(value)}")
        if len(value) > self.max_chars:
            raise ProtocolError(
                f"{len(value)} characters exceed the limit of {self.max_chars}", ErrorCode.TOO_LARGE
            )
        if len(value) < self.min_chars:
            raise ProtocolError(f"must have at least {self.min_chars} character(s)")
        if self.choices is not None and value not in self.choices:
            raise ProtocolError(f"{show(value)} is not one of {', '.join(self.choices)}")
        return value


@dataclass(frozen=True, slots=True)
class Integer:
    """An integer in [low, high]; above ``high`` is ``TOO_LARGE`` when ``high`` is a limit."""

    low: int
    high: int
    high_is_limit: bool = False

    def encode(self, value: int) -> int:
        return int(value)

    def decode(self, value: object) -> int:
        if type(value) is not int:  # msgpack's true/false arrive as bool, which is no integer
            raise ProtocolError(f"expected an integer, got {kind_of(value)}")
        if value > self.high and self.high_is_limit:
            raise ProtocolError(f"{value} exceeds the limit of {self.high}", ErrorCode.TOO_LARGE)
        if not self.low <= value <= self.high:
            raise ProtocolError(f"{value} outside [{self.low}, {self.high}]")
        return value


@dataclass(frozen=True, slots=True)
class Number:
    """A finite number in [low, high] (msgpack float or integer), decoded as a float."""

    low: float = -math.inf
    high: float = math.inf

    def encode(self, value: float) -> float:
        return float(value)

    def decode(self, value: object) -> float:
        if type(value) is not float and type(value) is not int:
            raise ProtocolError(f"expected a number, got {kind_of(value)}")
        if not (math.isfinite(value) and self.low <= value <= self.high):
            raise ProtocolError(
                f"expected a finite number in [{self.low}, {self.high}], got {value}"
            )
        return float(value)


@dataclass(frozen=True, slots=True)
class Binary:
    """Binary data of ``min_bytes``..``max_bytes`` bytes."""

    max_bytes: int
    min_bytes: int = 1

    def encode(self, value: bytes) -> bytes:
        return bytes(value)

    def decode(self, value: object) -> bytes:
        if type(value) is not bytes:
            raise ProtocolError(f"expected binary data, got {kind_of(value)}")
        if len(value) > self.max_bytes:
            raise ProtocolError(
                f"{len(value)} bytes exceed the limit of {self.max_bytes}", ErrorCode.TOO_LARGE
            )
        if len(value) < self.min_bytes:
            raise ProtocolError(f"must have at least {self.min_bytes} byte(s)")
        return value


@dataclass(frozen=True, slots=True)
class Array:
    """A numpy array (see `protocol.arrays`) of one of ``dtypes`` and of ``shape`` (a first
    entry ``None``: any number of rows, at most ``max_rows``).

    Encoding keeps an array's own dtype when it is allowed (float16 vertices stay float16)
    and converts it to the first, canonical one otherwise.
    """

    dtypes: tuple[str, ...]
    shape: tuple[int | None, ...]
    max_rows: int | None = None

    def encode(self, value: np.ndarray) -> dict:
        if type(value) is not np.ndarray:
            value = np.asarray(value)
        code = _DTYPE_CODES.get(value.dtype)
        if code not in self.dtypes:
            code = self.dtypes[0]
        shape = value.shape
        if shape != self.shape and (
            len(shape) != len(self.shape)
            or self.shape[0] is not None
            or shape[1:] != self.shape[1:]
        ):
            raise ValueError(f"expected shape {shape_text(self.shape)}, got {shape_text(shape)}")
        return encode_array(value, code)

    def decode(self, value: object) -> np.ndarray:
        array = decode_array(value, self.dtypes, self.shape)
        if self.max_rows is not None and len(array) > self.max_rows:
            raise ProtocolError(
                f"{len(array)} rows exceed the limit of {self.max_rows}", ErrorCode.TOO_LARGE
            )
        return array


@dataclass(frozen=True, slots=True)
class ListOf:
    """A list of ``min_items``..``max_items`` values of one kind, decoded as a tuple."""

    item: Kind
    max_items: int = MAX_LIST_ITEMS
    min_items: int = 0

    def encode(self, value: tuple | list) -> list:
        return [self.item.encode(item) for item in value]

    def decode(self, value: object) -> tuple:
        if type(value) is not list:
            raise ProtocolError(f"expected an array, got {kind_of(value)}")
        if len(value) > self.max_items:
            raise ProtocolError(
                f"{len(value)} items exceed the limit of {self.max_items}", ErrorCode.TOO_LARGE
            )
        if len(value) < self.min_items:
            raise ProtocolError(f"expected at least {self.min_items} items, got {len(value)}")
        decode = self.item.decode
        items = []
        for index, item in enumerate(value):
            try:
                items.append(decode(item))
            except ProtocolError as error:
                raise error.within(f"[{index}]", f"[{index}]") from None
        return tuple(items)


@dataclass(frozen=True, slots=True)
class MapOf:
    """A map from names (an id string each) to values of one kind, at most ``max_items``."""

    value: Kind
    max_items: int = MAX_LIST_ITEMS
    key: Text = Text()

    def encode(self, value: dict) -> dict:
        return {name: self.value.encode(item) for name, item in value.items()}

    def decode(self, value: object) -> dict:
        if type(value) is not dict:
            raise ProtocolError(f"expected a map, got {kind_of(value)}")
        if len(value) > self.max_items:
            raise ProtocolError(
                f"{len(value)} entries exceed the limit of {self.max_items}", ErrorCode.TOO_LARGE
            )
        decoded, decode_key, decode_value = {}, self.key.decode, self.value.decode
        for name, item in value.items():
            try:
                decoded[decode_key(name)] = decode_value(item)
            except ProtocolError as error:
                label = f"[{show(name)}]"
                raise error.within(label, label) from None
        return decoded


@dataclass(frozen=True, slots=True)
class Field:
    """One entry of a map: its wire ``key``, the dataclass field ``name`` it decodes to."""

    key: str
    name: str
    kind: Kind
    required: bool = True


class Schema:
    """A map on the wire and the dataclass it decodes to; itself a kind, so maps nest.

    ``check`` runs on the decoded message for rules that tie fields together (a rig's face
    indices below its vertex count); it raises `ProtocolError` naming its field. Unknown
    keys are ignored: a newer peer may add optional fields without a version change.
    """

    def __init__(
        self,
        name: str,
        cls: type,
        fields: tuple[Field, ...] = (),
        check: Callable[[Any], None] | None = None,
    ) -> None:
        self.name, self.cls, self.fields, self.check = name, cls, fields, check
        # Bound methods looked up once: the loops below run for every message.
        self._encoders = tuple((f.key, f.name, f.kind.encode, f.required) for f in fields)
        self._decoders = tuple((f.key, f.name, f.kind.decode, f.required) for f in fields)

    def encode(self, message: Any) -> dict:
        wire = {}
        for key, name, encode, required in self._encoders:
            value = getattr(message, name)
            if value is None:
                if required:
                    raise ValueError(f"{self.name}.{name} is required")
                continue
            try:
                wire[key] = encode(value)
            except (TypeError, ValueError) as error:
                raise ValueError(f"{self.name}.{name}: {error}") from error
        return wire

    def decode(self, value: object) -> Any:
        if type(value) is not dict:
            raise ProtocolError(f"expected a map, got {kind_of(value)}")
        decoded = {}
        for key, name, decode, required in self._decoders:
            item = value.get(key)
            if item is None:  # absent and nil both mean "not given"
                if required:
                    raise ProtocolError("required field missing", field=key, names=name)
                continue
            try:
                decoded[name] = decode(item)
            except ProtocolError as error:
                raise error.within(key, name) from None
        message = self.cls(**decoded)
        if self.check is not None:
            self.check(message)
        return message

    def error(
        self, name: str, detail: str, code: ErrorCode = ErrorCode.BAD_MESSAGE
    ) -> ProtocolError:
        """An error about the field called ``name``, for ``check`` functions to raise."""
        key = next(field.key for field in self.fields if field.name == name)
        return ProtocolError(detail, code, field=key, names=name)
