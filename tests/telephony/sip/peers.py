"""More SIPp scenarios and RTP helpers for the robustness tests (hold, transfer, re-INVITE,
no ACK, desk buttons). The scenarios build on conftest.py's blocks."""

from __future__ import annotations

import asyncio
import re
import socket

from .conftest import (
    SIPP_ACK,
    SIPP_AWAIT_BYE,
    SIPP_BYE,
    SIPP_INVITE,
    _scenario,
    phone_answers,
)

ANSWERED = """
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true"/>
"""


def caller_media_at(scenario: str, rtp_port: int) -> str:
    """The carrier's SDP names `rtp_port` (a test's socket) instead of SIPp's media port."""
    return scenario.replace("m=audio [media_port]", f"m=audio {rtp_port}")


def phone_answers_until_bye(extension: str, rtp_port: int | None = None) -> str:
    """The registered phone rings, answers, and stays until our BYE."""
    body = phone_answers(extension, rtp_port=rtp_port)
    head = body[: body.index("  <pause")]
    # The BYE comes from us: the phone needs no From/Contact of ours (SIPp refuses unused variables).
    start, end = head.index("    <action>"), head.index("  </recv>")
    head = (head[:start] + head[end + len("  </recv>") :]).replace(
        '<recv request="INVITE">', '<recv request="INVITE"/>', 1
    )
    return head + SIPP_AWAIT_BYE + "</scenario>\n"


def carrier_without_ack(caller: str) -> str:
    """The carrier calls, takes our 200 and never ACKs it; our BYE ends it."""
    body = SIPP_INVITE + ANSWERED + '  <recv response="200" optional="true"/>\n' + SIPP_AWAIT_BYE
    return _scenario("no ACK", body.replace("{caller}", caller))


REINVITE = """
  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 3 INVITE
      Contact: <sip:{caller}@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=carrier 53655765 2353687638 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio {new_port} RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
      a=sendrecv

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="200">
    <action>
      <ereg regexp="m=audio [0-9]+" search_in="body" check_it="true" assign_to="3"/>
    </action>
  </recv>
  <send>
    <![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 3 ACK
      X-Our-Answer: [$3]
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
"""


def carrier_reinvites(caller: str, rtp_port: int, new_port: int) -> str:
    """The carrier calls with media at `rtp_port`, then moves its media to `new_port` with a
    re-INVITE (as a carrier does after a media server change), then waits for our BYE."""
    body = SIPP_INVITE + ANSWERED + SIPP_ACK
    body += '  <pause milliseconds="300"/>\n'
    body += REINVITE.replace("{new_port}", str(new_port))
    body += SIPP_AWAIT_BYE
    return caller_media_at(_scenario("re-INVITE", body.replace("{caller}", caller)), rtp_port)


def carrier_hangs_up_after(caller: str, talk_ms: int) -> str:
    body = SIPP_INVITE + ANSWERED + SIPP_ACK + f'  <pause milliseconds="{talk_ms}"/>\n' + SIPP_BYE
    return _scenario("caller hangs up", body.replace("{caller}", caller))


# -- RTP ------------------------------------------------------------------------------------


def rtp(seq: int, fill: int) -> bytes:
    """One PCMA packet whose 160 payload bytes are all `fill` (a mark a test can recognise)."""
    return (
        bytes([0x80, 8])
        + seq.to_bytes(2, "big")
        + (seq * 160).to_bytes(4, "big")
        + (b"\x0b\x0b\x0b\x0b" + bytes([fill]) * 160)
    )


def udp(port: int | None = None) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port or 0))
    s.setblocking(False)
    return s


async def until_heard(ear: socket.socket, fill: int, send=None, timeout: float = 5.0) -> list:
    """Receive on `ear` until a packet marked `fill` arrives (calling `send()` before each
    wait, so a stream flows); returns the payload marks heard before it."""
    loop = asyncio.get_running_loop()
    heard = []

    async def listen():
        while True:
            if send is not None:
                send()
            try:
                packet = await asyncio.wait_for(loop.sock_recv(ear, 2048), 0.05)
            except TimeoutError:
                continue
            mark = packet[12] if len(packet) > 12 else None
            if mark == fill and packet[12:] == bytes([fill]) * 160:
                return
            heard.append(mark)

    await asyncio.wait_for(listen(), timeout)
    return heard


async def rtpengine_port(media, call: str, endpoint_port: int) -> int:
    """rtpengine's local port that the party at `endpoint_port` sends to."""
    tags = (await media.query(call))["tags"]
    for tag in tags.values():
        for m in tag["medias"]:
            for stream in m["streams"]:
                if stream["endpoint"]["port"] == endpoint_port:
                    return stream["local port"]
    raise AssertionError(f"no stream of call {call} ends at port {endpoint_port}")


def media_port(sdp_text: str) -> int:
    return int(re.search(r"m=audio (\d+)", sdp_text).group(1))


PHONE_REINVITE = """
  <send retrans="500">
    <![CDATA[
      INVITE [$2] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{ext}@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]
      To:[$1]
      Call-ID: [call_id]
      CSeq: 2 INVITE
      Contact: <sip:{ext}@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=phone 1 2 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio {new_port} RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=sendrecv

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="200">
    <action>
      <ereg regexp="m=audio [0-9]+" search_in="body" check_it="true" assign_to="3"/>
    </action>
  </recv>
  <send>
    <![CDATA[
      ACK [$2] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:{ext}@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]
      To:[$1]
      Call-ID: [call_id]
      CSeq: 2 ACK
      X-Our-Answer: [$3]
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
"""


def phone_reinvites(extension: str, rtp_port: int, new_port: int) -> str:
    """The registered phone answers with media at `rtp_port`, then moves it to `new_port`
    with a re-INVITE of its own, then waits for our BYE."""
    body = phone_answers(extension, rtp_port=rtp_port)
    head = body[: body.index("  <pause")]
    body = head + '  <pause milliseconds="300"/>\n'
    body += PHONE_REINVITE.replace("{new_port}", str(new_port)).replace("{ext}", extension)
    return body + SIPP_AWAIT_BYE + "</scenario>\n"


def phone_busy(extension: str) -> str:
    """The registered phone refuses the call: 486 Busy Here (its decline button)."""
    body = """
  <recv request="INVITE"/>
  <send>
    <![CDATA[
      SIP/2.0 486 Busy Here
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:{ext}@[local_ip]:[local_port]>
      Content-Length: 0

    ]]>
  </send>
  <recv request="INVITE" optional="true"/>
  <recv request="ACK"/>
"""
    return _scenario("phone busy", body.replace("{ext}", extension))
