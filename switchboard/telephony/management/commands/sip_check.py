"""Check the SIP side before taking calls: settings, trunks, extensions, prompts, rtpengine.

Exits with an error (status 1) naming what is wrong; prints what it found otherwise.
"""

import asyncio

from django.core.management.base import BaseCommand, CommandError

from switchboard.acd.models import IvrMenu
from switchboard.telephony.media import MediaClient, MediaError
from switchboard.telephony.models import Extension, Trunk
from switchboard.telephony.sip.config import SipConfig, SipConfigError

IVR_PROMPTS = ("greeting", "language", "menu", "invalid")


async def _ping(address: tuple[str, int]) -> str | None:
    """None if rtpengine answered, else why not."""
    try:
        async with MediaClient(*address, timeout=0.5, retries=2) as media:
            return None if await media.ping() else "it answered, but not with pong"
    except MediaError as exc:
        return str(exc) or exc.__class__.__name__
    except OSError as exc:
        return str(exc)


class Command(BaseCommand):
    help = "Check the SIP settings, trunks, extensions and prompts, and ping rtpengine."

    def handle(self, *args, **options):
        try:
            config = SipConfig.from_settings()
        except SipConfigError as exc:
            raise CommandError(f"SIP settings: {exc}") from None
        out = self.stdout
        problems: list[str] = []
        out.write(f"SIP: listening on {config.host}:{config.port} (UDP)")
        out.write(f"rtpengine: ng control at {config.rtpengine[0]}:{config.rtpengine[1]}")
        why = asyncio.run(_ping(config.rtpengine))
        if why is None:
            out.write("  answers ping: yes")
        else:
            problems.append(
                f"rtpengine at {config.rtpengine[0]}:{config.rtpengine[1]} does not answer "
                f"({why}); start it (docs/sip.md) or set SWITCHBOARD_RTPENGINE"
            )
        out.write(
            f"DTMF events from rtpengine expected on {config.dtmf_listen[0]}:{config.dtmf_listen[1]}"
        )

        out.write(f"Trunks ({len(config.trunks)} active):")
        for trunk in config.trunks:
            inbound = (
                f"registers as {trunk.username!r}"
                if trunk.username
                else "from " + ", ".join(str(n) for n in trunk.networks)
            )
            outbound = (
                f"out to {trunk.outbound[0]}:{trunk.outbound[1]} as {trunk.caller_id or '(no caller ID)'}"
                if trunk.outbound
                else "no outbound"
            )
            out.write(f"  {trunk.name}: {inbound}; {outbound}")
            if trunk.username and not trunk.ha1:
                problems.append(f"trunk {trunk.name!r} registers but has no password")
        if not config.trunks:
            problems.append("no active trunk: nobody can call in (add one in admin)")
        inactive = Trunk.objects.filter(active=False).count()
        if inactive:
            out.write(f"  ({inactive} inactive)")

        extensions = Extension.objects.select_related("user").order_by("number")
        out.write(f"Extensions ({len(config.phones)} can register):")
        for extension in extensions:
            state = "active" if extension.active else "inactive"
            if not extension.ha1:
                state += ", NO PASSWORD"
            out.write(f"  {extension.number}: {extension.user.get_username()} ({state})")

        out.write("Prompts:")
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
                    f"menu {menu.dialed_number}: no WAV for {', '.join(missing)} "
                    "(upload in admin, or run make_demo_prompts)"
                )
            else:
                out.write(f"  {menu.dialed_number}: all prompts found")
        if config.prompt_path("music", "") is None:
            problems.append("no music on hold (upload a 'music' prompt, or run make_demo_prompts)")
        else:
            out.write("  music on hold: found")
        if problems:
            raise CommandError("SIP check failed:\n  - " + "\n  - ".join(problems))
        out.write(self.style.SUCCESS("SIP check passed."))
