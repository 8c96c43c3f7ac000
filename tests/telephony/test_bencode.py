import pytest
from hypothesis import given
from hypothesis import strategies as st

from switchboard.telephony._bencode import BencodeError, decode, encode

values = st.recursive(
    st.integers() | st.binary(max_size=40),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.binary(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)


@given(values)
def test_any_value_survives_a_round_trip(value):
    assert decode(encode(value)) == value


@given(st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=5))
def test_text_comes_back_as_text_when_asked(value):
    assert decode(encode(value), text=True) == value


def test_it_encodes_an_ng_command_with_sorted_keys():
    assert encode({"command": "ping", "call-id": "a"}) == b"d7:call-id1:a7:command4:pinge"
    assert encode(["x", -3, b"\x00"]) == b"l1:xi-3e1:\x00e"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"i12",
        b"ie",
        b"i-0e",
        b"i03e",
        b"5:abc",
        b"l",
        b"d3:keye",
        b"di1ei2ee",
        b"d1:a1:x1:a1:ye",
        b"x",
        b"3:abcx",
        b"-1:a",
        b"l" * 200 + b"e" * 200,
    ],
)
def test_malformed_input_raises_a_named_error(data):
    with pytest.raises(BencodeError):
        decode(data)


@given(st.binary(max_size=60))
def test_arbitrary_bytes_either_decode_or_raise_bencode_error(data):
    try:
        value = decode(data)
    except BencodeError:
        return
    assert decode(encode(value)) == value


def test_unsorted_keys_are_accepted_as_rtpengine_sends_them():
    assert decode(b"d6:result4:pong1:ai1ee", text=True) == {"result": "pong", "a": 1}


def test_it_refuses_values_bencode_cannot_carry():
    with pytest.raises(TypeError):
        encode(1.5)
    with pytest.raises(TypeError):
        encode(True)
