"""The sippy side of the B2BUA: everything here runs in the `sippy` thread.

Requests outside a dialog (`_recv_request`: rate limit, REGISTER, trunk allow-list,
INVITE), the user agents' events (caller's leg, operator's leg), and the commands the
engine's loop hands over with `ED2.callFromThread`. What the engine must hear goes back
with `_to_engine` (loop.call_soon_threadsafe). A mixin of SipTelephony.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
import uuid
from functools import partial

from sippy.CCEvents import (
    CCEventConnect,
    CCEventDisconnect,
    CCEventFail,
    CCEventInfo,
    CCEventRing,
    CCEventTry,
    CCEventUpdate,
)
from sippy.Core.EventDispatcher import ED2
from sippy.MsgBody import MsgBody
from sippy.SipConf import SipConf
from sippy.SipHeader import SipHeader
from sippy.SipLogger import SipLogger
from sippy.SipTransactionManager import SipTransactionManager
from sippy.UA import UA

from .auth import Binding
from .calls import AgentLeg, SipCall, SipError
from .desk import auto_answer_headers
from .dtmf import digit_from_info
from .sdp import normalise_number

log = logging.getLogger("switchboard.telephony.sip")


def _sippy_log(*args: object, **kwargs: object) -> None:
    log.debug("sippy: %s", " ".join(str(a) for a in args))


class SippySide:
    """Mixed into SipTelephony: the methods that run in the sippy thread."""

    def _sippy_main(self, ready: asyncio.Future) -> None:
        loop = self._loop
        # ED2 remembers the thread that imported sippy and warns (with a stack dump) on every
        # timer started elsewhere: this thread is the only one that touches sippy, from the
        # transaction manager's first timer on.
        ED2.my_ident = threading.get_ident()
        try:
            # sippy writes its own Contact headers from SipConf: process-wide, like ED2.
            SipConf.my_address = self.config.host
            SipConf.my_port = self.config.port
            logger = SipLogger("switchboard")
            logger.write = _sippy_log
            self._global = {
                "_sip_address": self.config.host,
                "_sip_port": self.config.port,
                "_sip_logger": logger,
            }
            self._tm = SipTransactionManager(self._global, self._recv_request)
            self._global["_sip_tm"] = self._tm
        except BaseException as exc:
            loop.call_soon_threadsafe(ready.set_exception, SipError(f"SIP did not start: {exc}"))
            return
        loop.call_soon_threadsafe(ready.set_result, None)
        ED2.loop()

    def _sippy_stop(self) -> None:
        if self._tm is not None:
            self._tm.shutdown()
            self._tm = None
        ED2.breakLoop()

    def _to_engine(self, method, *args) -> None:
        """From the sippy thread to the engine's loop."""
        self._loop.call_soon_threadsafe(method, *args)

    def _recv_request(self, req, sip_t):
        """A request outside any dialog (sippy thread). Returns (response, cancel, disconnect)."""
        host, _port = req.getSource()
        method = req.getMethod()
        if method in ("INVITE", "REGISTER") and not self._limiter.allow(host, time.monotonic()):
            log.warning("%s from %s refused: over the rate limit", method, host)
            return (req.genResponse(503, "Service Unavailable"), None, None)
        if method == "REGISTER":
            return self._register(req)
        trunk = self.config.trunk_for(host) or self._registered_trunk(host)
        if trunk is None:
            log.warning("refused %s from %s: not a configured trunk", method, host)
            return (req.genResponse(403, "Forbidden"), None, None)
        if req.getHFBody("to").getTag() is not None:
            return (req.genResponse(481, "Call Leg/Transaction Does Not Exist"), None, None)
        if method == "OPTIONS":
            return (req.genResponse(200, "OK"), None, None)
        if method != "INVITE":
            return (req.genResponse(501, "Not Implemented"), None, None)
        _lower_contact_transport(req)
        call = SipCall(id=uuid.uuid4().hex, from_tag=req.getHFBody("from").getTag() or "")
        call.ua = UA(self._global, event_cb=partial(self._ua_event, call))
        call.to_tag = call.ua.lTag
        log.info("INVITE from trunk %s (%s): call %s", trunk.name, host, call.id)
        return call.ua.recvRequest(req, sip_t)

    def _register(self, req):
        """An operator's phone registers (sippy thread): digest auth, then one binding."""
        header = req.getHFBody("authorization").body if req.countHFs("authorization") else ""
        extension = self._auth.check(header, "REGISTER", self.config.ha1_for)
        if extension is None:
            response = req.genResponse(401, "Unauthorized")
            response.appendHeader(SipHeader(name="www-authenticate", bodys=self._auth.challenge()))
            return (response, None, None)
        if req.countHFs("contact") == 0:  # a query of the bindings: none shown for now
            return (req.genResponse(200, "OK"), None, None)
        contact = req.getHFBody("contact")
        asked = None
        if req.countHFs("expires"):
            asked = req.getHFBody("expires").getNum()
        if not contact.asterisk and contact.address.getParam("expires") is not None:
            with contextlib.suppress(ValueError):  # a bad value: the Expires header, or ours
                asked = int(contact.address.getParam("expires"))
        granted = 0 if contact.asterisk else self._registrations.granted(asked)
        response = req.genResponse(200, "OK")
        if granted:
            url = contact.getUrl()
            target = (url.host, url.port or 5060, f"{url}")
            response.appendHeader(SipHeader(name="contact", bodys=f"<{url}>;expires={granted}"))
        else:
            target = None
        trunk = self.config.registering_trunk(extension)
        if trunk is not None and extension not in self.config.phones:
            # A carrier's device: its source address may now send us calls (sip/trunks.py).
            source = req.getSource()[0]
            self._trunk_registrations.register(trunk.name, source, granted, time.monotonic())
        self._to_engine(self._registered, extension, target, granted)
        return (response, None, None)

    def _registered_trunk(self, host: str):
        name = self._trunk_registrations.trunk_at(host, time.monotonic())
        return next((t for t in self.config.trunks if t.name == name), None) if name else None

    def _sippy_ring(self, call: SipCall, leg: AgentLeg, binding: Binding, sdp: str, caller: str):
        if leg.state != "ringing":
            return  # withdrawn while rtpengine prepared the media
        leg.ua = UA(
            self._global,
            event_cb=partial(self._leg_event, call, leg),
            nh_address=(binding.host, binding.port),
        )
        event = CCEventTry((None, caller, leg.extension, MsgBody(sdp), None, caller))
        if leg.auto_answer:  # the desk accepted: sip/desk.py
            event.extra_headers = tuple(
                SipHeader(name=name, bodys=value)
                for name, value in auto_answer_headers(self.config.host)
            )
        leg.ua.recvEvent(event)

    def _leg_event(self, call: SipCall, leg: AgentLeg, event, ua) -> None:
        """What the operator's phone did (sippy thread)."""
        if isinstance(event, CCEventConnect):
            _code, _reason, body = event.getData()
            self._to_engine(self._agent_answered, call, leg, str(body) if body else "")
        elif isinstance(event, CCEventDisconnect | CCEventFail):
            self._to_engine(self._agent_gone, call, leg, event.getData())
        elif isinstance(event, CCEventRing):
            self._to_engine(self._agent_rings, leg)
        elif isinstance(event, CCEventUpdate):  # the phone's re-INVITE: sip/dialog.py
            body = event.getData()
            self._to_engine(self._leg_reoffered, call, leg, str(body) if body is not None else "")
        else:
            log.debug("call %s, agent %s: %s not handled yet", call.id, leg.agent, event)

    def _sippy_drop_leg(self, leg: AgentLeg) -> None:
        if leg.ua is not None:
            # Before the answer sippy sends CANCEL, after it BYE.
            leg.ua.recvEvent(CCEventDisconnect())

    def _ua_event(self, call: SipCall, event, ua) -> None:
        """What the caller's user agent did (sippy thread)."""
        if isinstance(event, CCEventTry):
            _cid, cli, cld, body, _auth, _name = event.getData()
            sdp = str(body) if body is not None else ""
            self._to_engine(self._arrived, call, normalise_number(cli), normalise_number(cld), sdp)
        elif isinstance(event, CCEventDisconnect | CCEventFail):
            self._to_engine(self._caller_gone, call)
        elif isinstance(event, CCEventInfo):
            body = event.getData()
            if body is not None:
                digit = digit_from_info(body.getType(), str(body))
                if digit is not None:
                    self._to_engine(self._digit, call, digit)
        elif isinstance(event, CCEventConnect):  # the caller's ACK of our 200
            self._to_engine(self._acked, call)
        elif isinstance(event, CCEventUpdate):  # a re-INVITE: sip/dialog.py
            body = event.getData()
            self._to_engine(self._reoffered, call, str(body) if body is not None else "")
        else:
            log.debug("call %s: %s not handled yet", call.id, event)

    def _sippy_connect(self, call: SipCall, sdp: str) -> None:
        if call.state != "answering" or call.ua is None:
            return  # the caller hung up while rtpengine answered
        call.ua.recvEvent(CCEventConnect((200, "OK", MsgBody(sdp))))
        self._to_engine(self._answered, call)

    def _sippy_update_answer(self, ua, sdp: str | None) -> None:
        """Our answer to a re-INVITE on `ua` (the caller's or a phone's): 200 with `sdp`, or
        488 when None."""
        if ua is None or ua.state is None or ua.state.dead:
            return
        if sdp is None:
            ua.recvEvent(CCEventFail((488, "Not Acceptable Here")))
        else:
            ua.recvEvent(CCEventConnect((200, "OK", MsgBody(sdp))))

    def _sippy_hang_up(self, call: SipCall, connected: bool) -> None:
        if call.leg is not None and call.leg.ua is not None:
            self._sippy_drop_leg(call.leg)
        if call.ua is None:
            return
        if connected:
            call.ua.recvEvent(CCEventDisconnect())
        else:
            call.ua.recvEvent(CCEventFail((480, "Temporarily Unavailable")))


def _lower_contact_transport(req) -> None:
    """sippy 2.5.0 cannot send in-dialog requests to `;transport=UDP` (upper case, as SIPp
    and some carriers write it): 'newTransaction() to unsupported transport: UDP'."""
    for contact in req.getHFBodys("contact"):
        if contact.asterisk:
            continue
        url = contact.getUrl()
        if isinstance(url.transport, str):
            url.transport = url.transport.lower()
