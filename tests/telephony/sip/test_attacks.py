"""SIPVicious (PyPI `sipvicious`) and hand-written bad packets against the engine on SIP: the
scanner learns nothing useful, no call record is made for junk, and the next real call is
answered as usual."""

import asyncio
import re
import shutil
import socket
import sys
from pathlib import Path

import pytest

from switchboard.acd.floor import Command, Event
from switchboard.calls.models import Call, Outcome
from switchboard.telephony.sip.config import Phone, SipConfig, parse_trunks

from ..conftest import NASREEN
from .conftest import carrier_call, free_port
from .test_floor_over_sip import ENGLISH_ORDERS, run_sip_floor, short_prompts  # noqa: F401

pytestmark = pytest.mark.sip

CARRIER = "127.0.0.2"  # the trunk; the attacker is 127.0.0.1


def sipvicious(tool: str) -> str:
    path = shutil.which(f"sipvicious_{tool}") or str(
        Path(sys.executable).parent / f"sipvicious_{tool}"
    )
    if not Path(path).exists():
        pytest.skip("sipvicious not installed (PyPI: sipvicious; requirements-test.txt)")
    return path


async def run(*args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return out.decode(errors="replace")


def bad_packets(port: int) -> list[bytes]:
    """Datagrams a SIP parser must survive, as the trunk itself might send them."""
    head = (
        f"INVITE sip:09611000000@127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {CARRIER}:5999;branch=z9hG4bK-junk\r\n"
        f"From: <sip:x@{CARRIER}>;tag=junk\r\n"
        "To: <sip:09611000000@127.0.0.1>\r\n"
    )
    return [
        b"\x00\xff\xfe" * 200,  # binary noise
        b"INVITE sip:x SIP/2.0\r\n\r\n",  # no headers at all
        (head + "CSeq: one INVITE\r\nContent-Length: 0\r\n\r\n").encode(),  # no Call-ID, bad CSeq
        (head + "Call-ID: junk-1\r\nCSeq: 1 INVITE\r\nContent-Length: 999\r\n\r\nv=0").encode(),
        (
            head + "Call-ID: junk-2\r\nCSeq: 1 INVITE\r\nX-Long: " + "a" * 20000 + "\r\n\r\n"
        ).encode(),
        (head + "Call-ID: junk-3\r\nCSeq: 1 INVITE\r\nSubject: \xff\xfe\r\n\r\n").encode("latin-1"),
        b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.2;branch=z9hG4bK-none\r\n\r\n",
        b"SIP/2.0 999999 Odd\r\n\r\n" + b"x" * 40,
    ]


def test_scanners_and_bad_packets_leave_no_record_and_the_next_call_is_answered(
    rahim,
    nasreen,
    rtpengine,
    sipp,
    short_prompts,  # noqa: F811
):
    config = SipConfig(
        port=free_port(),
        trunks=parse_trunks(f"carrier={CARRIER}"),
        rtpengine=rtpengine.ng_address,
        dtmf_listen=("127.0.0.1", rtpengine.dtmf_port),
        prompts=short_prompts,
        phones={"101": Phone("101", "s3cret", str(rahim.pk))},
    )
    port = str(config.port)
    svmap, svwar, svcrack = sipvicious("svmap"), sipvicious("svwar"), sipvicious("svcrack")

    async def scenario(floor):
        # svmap waits 2 x 3 s for late answers: it runs alongside the rest, the real call too.
        scan = asyncio.create_task(
            run(svmap, "127.0.0.1", "-p", port, "-b", "127.0.0.1", "-m", "INVITE")
        )
        enumerated = await run(
            svwar, "127.0.0.1", "-p", port, "-b", "127.0.0.1", "-e", "100-110", "-m", "REGISTER",
            "--force",
        )  # fmt: skip
        assert "found nothing" in enumerated  # every extension is challenged alike
        # Digest holds under a cracking tool: of its dictionary only the real password passes
        # (a wrong one accepted earlier in the list would be the one reported).
        words = sipp.folder / "words.txt"
        words.write_text("101\n1234\npassword\nadmin\nsecret\n0000\ns3cret\n")
        cracked = await run(
            svcrack, "127.0.0.1", "-p", port, "-b", "127.0.0.1", "-u", "101", "-d", str(words)
        )
        assert re.search(r"\|\s*101\s*\|\s*s3cret\s*\|", cracked), cracked
        assert not re.search(r"\|\s*101\s*\|\s*(1234|password|admin|secret|0000)\s*\|", cracked)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as junk:
            junk.bind((CARRIER, 0))
            for packet in bad_packets(config.port):
                junk.sendto(packet, ("127.0.0.1", config.port))

        desk = await floor.desk(rahim)
        carrier = floor.start(
            floor.sipp.run(
                carrier_call(NASREEN, ENGLISH_ORDERS, we_hang_up=True),
                floor.target,
                local_ip=CARRIER,
                service="+8809612345678",
            )
        )
        offer = await desk.wait_for(Event.OFFER)
        call = offer["call"]["id"]
        await desk.send(Command.ACCEPT, call=call)
        await desk.wait_for(Event.CONNECTED)
        await desk.send(Command.HANG_UP, call=call)
        await desk.wait_for(Event.CALL_ENDED)
        result = await carrier
        assert result.returncode == 0, result.stdout
        assert f"127.0.0.1:{port}" in await scan  # svmap reached us (and got 403)
        return call

    call = run_sip_floor(config, sipp, scenario)
    assert [c.pk.hex for c in Call.objects.all()] == [call]
    assert Call.objects.get(pk=call).outcome == Outcome.ANSWERED
