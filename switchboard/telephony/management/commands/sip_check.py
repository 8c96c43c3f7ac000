"""Check the SIP side before taking calls: settings, trunks, extensions, prompts, rtpengine.

Exits with an error (status 1) naming what is wrong; prints what it found otherwise.
"""

import asyncio

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from switchboard.acd.models import IvrMenu
from switchboard.telephony.media import MediaClient, MediaError
from switchboard.telephony.models import Extension, Trunk
from switchboard.telephony.sip.config import SipConfig, SipConfigError

IVR_PROMPTS = ("greeting", "language", "menu", "invalid")


async def _ping(address: tuple[str, int]) -> str | None:
    """None if rtpengine answered, else why not."""
    try:
        async with MediaClient(*address, timeout=0.5, retries=2) as media:
            return None if await media.ping() else _("it answered, but not with pong")
    except MediaError as exc:
        return str(exc) or exc.__class__.__name__
    except OSError as exc:
        return str(exc)


def _address(pair: tuple[str, int]) -> str:
    return f"{pair[0]}:{pair[1]}"


class Command(BaseCommand):
    help = "Check the SIP settings, trunks, extensions and prompts, and ping rtpengine."

    def handle(self, *args, **options):
        try:
            config = SipConfig.from_settings()
        except SipConfigError as exc:
            raise CommandError(_("SIP settings: %(error)s") % {"error": exc}) from None
        out = self.stdout
        problems: list[str] = []
        out.write(
            _("SIP: listening on %(address)s (UDP)")
            % {"address": _address((config.host, config.port))}
        )
        out.write(
            _("rtpengine: ng control at %(address)s") % {"address": _address(config.rtpengine)}
        )
        why = asyncio.run(_ping(config.rtpengine))
        if why is None:
            out.write(_("  answers ping: yes"))
        else:
            problems.append(
                _(
                    "rtpengine at %(address)s does not answer (%(why)s); start it "
                    "(docs/sip.md) or set SWITCHBOARD_RTPENGINE"
                )
                % {"address": _address(config.rtpengine), "why": why}
            )
        out.write(
            _("DTMF events from rtpengine expected on %(address)s")
            % {"address": _address(config.dtmf_listen)}
        )

        out.write(_("Trunks (%(count)d active):") % {"count": len(config.trunks)})
        for trunk in config.trunks:
            if trunk.username:
                inbound = _("registers as %(name)s") % {"name": trunk.username}
            else:
                inbound = _("from %(networks)s") % {
                    "networks": ", ".join(str(n) for n in trunk.networks)
                }
            if trunk.outbound:
                outbound = _("out to %(address)s as %(caller_id)s") % {
                    "address": _address(trunk.outbound),
                    "caller_id": trunk.caller_id or _("(no caller ID)"),
                }
            else:
                outbound = _("no outbound")
            out.write(f"  {trunk.name}: {inbound}; {outbound}")
            if trunk.username and not trunk.ha1:
                problems.append(
                    _("trunk %(name)s registers but has no password") % {"name": trunk.name}
                )
        if not config.trunks:
            problems.append(_("no active trunk: nobody can call in (add one in admin)"))
        inactive = Trunk.objects.filter(active=False).count()
        if inactive:
            out.write(_("  (%(count)d inactive)") % {"count": inactive})

        extensions = Extension.objects.select_related("user").order_by("number")
        out.write(_("Extensions (%(count)d can register):") % {"count": len(config.phones)})
        for extension in extensions:
            state = _("active") if extension.active else _("inactive")
            if not extension.ha1:
                state += ", " + _("NO PASSWORD")
            out.write(f"  {extension.number}: {extension.user.get_username()} ({state})")

        out.write(_("Prompts:"))
        for menu in IvrMenu.objects.filter(active=True).order_by("dialed_number"):
            languages = ("bn", "en") if menu.ask_language else ("bn",)
            missing = [
                f"{name}/{language}"
                for name in IVR_PROMPTS
                for language in languages
                if config.prompt_path(name, language, menu.dialed_number) is None
            ]
            if missing:
                problems.append(
                    _(
                        "menu %(number)s: no WAV for %(missing)s (upload in admin, or run "
                        "make_demo_prompts)"
                    )
                    % {"number": menu.dialed_number, "missing": ", ".join(missing)}
                )
            else:
                out.write(_("  %(number)s: all prompts found") % {"number": menu.dialed_number})
        if config.prompt_path("music", "") is None:
            problems.append(
                _("no music on hold (upload a “music” prompt, or run make_demo_prompts)")
            )
        else:
            out.write(_("  music on hold: found"))
        if problems:
            raise CommandError(_("SIP check failed:") + "\n  - " + "\n  - ".join(problems))
        out.write(self.style.SUCCESS(_("SIP check passed.")))
