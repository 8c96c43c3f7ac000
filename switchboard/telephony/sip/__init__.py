"""SIP on the Telephony interface: a back-to-back user agent on sippy, media by rtpengine.

The only package that imports sippy (`telephony.py`, `stack.py` and `dialog.py` in it).
`config`, `auth`, `dtmf`, `sdp`, `limits` and `calls` are plain Python, importable
without starting anything. See docs/sip.md.
"""


def __getattr__(name: str):
    if name in ("SipTelephony", "SipError"):
        from . import telephony

        return getattr(telephony, name)
    raise AttributeError(name)
