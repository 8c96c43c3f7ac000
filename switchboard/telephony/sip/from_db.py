"""The SIP side's view of the telephony models (Django, no sippy): read once at start."""

from __future__ import annotations

import ipaddress
import logging
from pathlib import Path

from .config import Phone, SipConfigError, Trunk

log = logging.getLogger("switchboard.telephony.sip")


def trunks_from_db() -> tuple[Trunk, ...]:
    from switchboard.telephony.models import InboundMode
    from switchboard.telephony.models import Trunk as TrunkModel

    trunks = []
    for row in TrunkModel.objects.filter(active=True).order_by("name"):
        try:
            networks = tuple(ipaddress.ip_network(n, strict=False) for n in row.networks())
        except ValueError as exc:  # saved before validation existed, or edited in the database
            raise SipConfigError(f"trunk {row.name!r}: {exc}") from exc
        registration = row.inbound_mode == InboundMode.REGISTRATION
        trunks.append(
            Trunk(
                row.name,
                () if registration else networks,
                outbound=(row.outbound_host, row.outbound_port) if row.outbound_host else None,
                caller_id=row.caller_id,
                username=row.username if registration else "",
                ha1=row.ha1 if registration else "",
            )
        )
    return tuple(trunks)


def phones_from_db() -> dict[str, Phone]:
    """Active extensions with a password, by number; the agent is the user's pk (the engine's id)."""
    from switchboard.telephony.models import Extension

    rows = Extension.objects.filter(active=True, user__is_active=True).exclude(ha1="")
    return {e.number: Phone(e.number, agent=str(e.user_id), ha1=e.ha1) for e in rows}


def prompts_from_db() -> tuple[dict[tuple[str, str], Path], dict[tuple[str, str, str], Path]]:
    """(for every menu, per menu by dialed number) prompt files of the Prompt model."""
    from switchboard.telephony.models import Prompt

    everywhere: dict[tuple[str, str], Path] = {}
    per_menu: dict[tuple[str, str, str], Path] = {}
    for prompt in Prompt.objects.select_related("menu"):
        path = Path(prompt.audio.path)
        if not path.is_file():
            log.error("prompt %s: its file %s is missing", prompt, path)
            continue
        if prompt.menu_id is None:
            everywhere[(prompt.name, prompt.language)] = path
        elif prompt.menu.active:
            per_menu[(prompt.menu.dialed_number, prompt.name, prompt.language)] = path
    return everywhere, per_menu
