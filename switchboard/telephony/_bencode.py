"""Bencode, as rtpengine's ng control protocol speaks it.

Four kinds of value: integers, byte strings, lists and dictionaries (keys are
byte strings, written in sorted order). `encode` also takes `str` (as UTF-8)
and tuples; `decode` gives byte strings back, or `str` with `text=True`
(UTF-8, undecodable bytes kept with surrogateescape).
"""

from __future__ import annotations

from typing import Any


class BencodeError(ValueError):
    """The bytes are not one well-formed bencoded value."""


def encode(value: Any) -> bytes:
    out: list[bytes] = []
    _encode(value, out)
    return b"".join(out)


def _encode(value: Any, out: list[bytes]) -> None:
    if isinstance(value, bool):  # before int: a bool is an int in Python
        raise TypeError("bencode has no booleans")
    if isinstance(value, int):
        out.append(b"i%de" % value)
    elif isinstance(value, bytes | bytearray):
        out.append(b"%d:" % len(value))
        out.append(bytes(value))
    elif isinstance(value, str):
        _encode(value.encode(), out)
    elif isinstance(value, list | tuple):
        out.append(b"l")
        for item in value:
            _encode(item, out)
        out.append(b"e")
    elif isinstance(value, dict):
        keys = {(k.encode() if isinstance(k, str) else k): v for k, v in value.items()}
        if len(keys) != len(value) or not all(isinstance(k, bytes) for k in keys):
            raise TypeError("bencode dictionary keys must be distinct strings")
        out.append(b"d")
        for key in sorted(keys):
            _encode(key, out)
            _encode(keys[key], out)
        out.append(b"e")
    else:
        raise TypeError(f"cannot bencode {type(value).__name__}")


def decode(data: bytes, *, text: bool = False) -> Any:
    """The one value in `data`; BencodeError if it is malformed or followed by anything."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("decode takes bytes")
    data = bytes(data)
    value, end = _Decoder(data, text).value(0, 0)
    if end != len(data):
        raise BencodeError(f"trailing data at offset {end}")
    return value


_MAX_DEPTH = 64  # a hostile packet of nested lists must not exhaust the stack


class _Decoder:
    def __init__(self, data: bytes, text: bool) -> None:
        self.data = data
        self.text = text

    def value(self, at: int, depth: int) -> tuple[Any, int]:
        data = self.data
        if at >= len(data):
            raise BencodeError("unexpected end of data")
        if depth > _MAX_DEPTH:
            raise BencodeError("nested too deeply")
        head = data[at : at + 1]
        if head == b"i":
            end = data.find(b"e", at)
            if end < 0:
                raise BencodeError("unterminated integer")
            return self._int(data[at + 1 : end], at), end + 1
        if head == b"l":
            items, at = [], at + 1
            while data[at : at + 1] != b"e":
                item, at = self.value(at, depth + 1)
                items.append(item)
            return items, at + 1
        if head == b"d":
            result: dict[Any, Any] = {}
            at += 1
            while data[at : at + 1] != b"e":
                if at >= len(data):
                    raise BencodeError("unterminated dictionary")
                if not data[at : at + 1].isdigit():
                    raise BencodeError(f"dictionary key is not a string at offset {at}")
                raw, at = self._bytes(at)
                key = self._str(raw)
                if key in result:
                    raise BencodeError(f"repeated dictionary key {raw!r}")
                # Unsorted keys are accepted: rtpengine writes its replies unsorted.
                result[key], at = self.value(at, depth + 1)
            return result, at + 1
        if head.isdigit():
            raw, at = self._bytes(at)
            return self._str(raw), at
        raise BencodeError(f"unexpected byte {head!r} at offset {at}")

    def _int(self, digits: bytes, at: int) -> int:
        if (
            not digits
            or digits == b"-"
            or not digits.lstrip(b"-").isdigit()
            or digits.count(b"-") > 1
            or (digits.startswith(b"0") and digits != b"0")
            or digits.startswith(b"-0")
        ):
            raise BencodeError(f"bad integer at offset {at}")
        return int(digits)

    def _bytes(self, at: int) -> tuple[bytes, int]:
        colon = self.data.find(b":", at)
        if colon < 0:
            raise BencodeError(f"string without length at offset {at}")
        length = self.data[at:colon]
        if not length.isdigit() or (length.startswith(b"0") and length != b"0"):
            raise BencodeError(f"bad string length at offset {at}")
        start, end = colon + 1, colon + 1 + int(length)
        if end > len(self.data):
            raise BencodeError(f"string runs past the end at offset {at}")
        return self.data[start:end], end

    def _str(self, raw: bytes) -> Any:
        return raw.decode("utf-8", "surrogateescape") if self.text else raw
