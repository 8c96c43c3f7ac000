"""Write the demo's prompts: greeting, language, menu and invalid per menu and language
(espeak-ng speaking the menu's own texts); for every menu, per language, the recording
announcement and the words of the queue announcements; and music on hold (sox synth).

Idempotent: a prompt already there is kept (`--force` remakes the generated ones); a prompt
someone uploaded is never replaced.
"""

import os
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from switchboard.acd.models import IvrMenu
from switchboard.telephony import prompts
from switchboard.telephony.actions import check_save_prompt
from switchboard.telephony.models import Prompt

LANGUAGES = ("bn", "en")


class Command(BaseCommand):
    help = "Make the demo's IVR prompts and music on hold with espeak-ng and sox."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Remake generated prompts that exist already."
        )

    def handle(self, *args, force=False, **options):
        try:
            prompts.require_tools()
        except prompts.ToolMissing as exc:
            raise CommandError(str(exc)) from None
        made = kept = 0
        existing = {(p.menu_id, p.name, p.language): p.generated for p in Prompt.objects.all()}

        def wanted(menu_id, name, language) -> bool:
            nonlocal kept
            generated = existing.get((menu_id, name, language))
            if generated is None or (force and generated):
                return True
            kept += 1
            return False

        # (menu, name, language) -> the (language, text) parts to speak
        to_speak: dict[tuple, list[tuple[str, str]]] = {}
        for menu in IvrMenu.objects.order_by("dialed_number"):
            for language in LANGUAGES:
                for name, parts in prompts.texts_for(menu, language).items():
                    if wanted(menu.pk, name, language):
                        to_speak[(menu, name, language)] = parts
        for language in LANGUAGES:
            for name, text in prompts.common_texts(language).items():
                if wanted(None, name, language):
                    to_speak[(None, name, language)] = [(language, text)]
        # espeak-ng and sox are separate processes: run a few at once.
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            spoken = pool.map(prompts.speak, to_speak.values())
            for (menu, name, language), audio in zip(to_speak, spoken, strict=True):
                check_save_prompt(
                    menu=menu, name=name, language=language, data=audio, generated=True
                )
                made += 1
        if wanted(None, "music", ""):
            check_save_prompt(
                menu=None, name="music", language="", data=prompts.music(), generated=True
            )
            made += 1
        self.stdout.write(
            _("Demo prompts: %(made)d made, %(kept)d kept.") % {"made": made, "kept": kept}
        )
