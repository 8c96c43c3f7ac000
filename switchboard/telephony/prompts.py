"""Demo prompts spoken by espeak-ng and music played by sox synth, 8 kHz mono 16-bit.

`make_demo_prompts` (and load_demo) use this; a company records its own and uploads them
in admin instead, and those are never replaced here.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from switchboard.core.announce import MAX_SPOKEN, number_prompt
from switchboard.telephony.audio import BITS, CHANNELS, RATE

TOOLS = {"espeak-ng": "espeak-ng", "sox": "sox"}  # binary: Debian package
VOICES = {"bn": "bn", "en": "en"}
# Four plucked chords (C, A minor, F, G), two seconds each: a gentle loop to wait on.
CHORDS = (("C4", "E4", "G4"), ("A3", "C4", "E4"), ("F3", "A3", "C4"), ("G3", "B3", "D4"))


class ToolMissing(RuntimeError):
    """espeak-ng or sox is not installed; the message names the Debian packages."""


def missing_tools() -> list[str]:
    return [binary for binary in TOOLS if shutil.which(binary) is None]


def require_tools() -> None:
    missing = missing_tools()
    if missing:
        raise ToolMissing(
            _("%(tools)s not installed (Debian packages: %(packages)s): no demo prompts made.")
            % {
                "tools": ", ".join(missing),
                "packages": " ".join(TOOLS[t] for t in missing),
            }
        )


def _run(args: list[str]) -> None:
    subprocess.run(args, check=True, capture_output=True, timeout=60)


def speak(parts: list[tuple[str, str]]) -> bytes:
    """WAV bytes of (language, text) parts spoken one after the other."""
    with tempfile.TemporaryDirectory(prefix="speak-") as folder:
        pieces = []
        for n, (language, text) in enumerate(parts):
            piece = Path(folder) / f"{n}.wav"
            _run(["espeak-ng", "-v", VOICES[language], "-w", str(piece), text])
            pieces.append(str(piece))
        out = Path(folder) / "out.wav"
        _run(["sox", *pieces, "-r", str(RATE), "-c", str(CHANNELS), "-b", str(BITS), str(out)])
        return out.read_bytes()


def music() -> bytes:
    """About eight seconds of chords (rtpengine loops it while the caller waits)."""
    with tempfile.TemporaryDirectory(prefix="music-") as folder:
        pieces = []
        for n, notes in enumerate(CHORDS):
            piece = Path(folder) / f"{n}.wav"
            plucks = [word for note in notes for word in ("pluck", note)]
            _run(
                ["sox", "-n", "-r", str(RATE), "-c", str(len(notes)), "-b", str(BITS), str(piece)]
                + ["synth", "2", *plucks, "remix", "-", "fade", "q", "0.05", "2", "0.4"]
                + ["norm", "-8"]
            )
            pieces.append(str(piece))
        out = Path(folder) / "music.wav"
        _run(["sox", *pieces, "-r", str(RATE), "-c", str(CHANNELS), "-b", str(BITS), str(out)])
        return out.read_bytes()


def texts_for(menu, language: str) -> dict[str, list[tuple[str, str]]]:
    """What each prompt of `menu` says in `language`: the menu's own texts, and the
    fixed sentences from the translation catalog. A text the menu lacks is left out."""
    with translation.override("bn"):
        bengali = _("For Bengali, press 1.")
    with translation.override("en"):
        english = _("For English, press 2.")
    with translation.override(language):
        invalid = _("Sorry, that is not an option.")
    greeting = getattr(menu, f"greeting_{language}")
    choice = getattr(menu, f"menu_{language}")
    texts = {
        # Heard before a language is chosen: each choice in its own language.
        "language": [("bn", bengali), ("en", english)],
        "invalid": [(language, invalid)],
    }
    if greeting.strip():
        texts["greeting"] = [(language, greeting)]
    if choice.strip():
        texts["menu"] = [(language, choice)]
    return texts


DIGITS = {"bn": "০১২৩৪৫৬৭৮৯", "en": "0123456789"}


def common_texts(language: str, up_to: int = MAX_SPOKEN) -> dict[str, str]:
    """What the prompts shared by every menu say in `language`: the recording announcement
    and the words of a queue announcement, one prompt per number 1..`up_to` (digits, which
    espeak-ng reads in the voice's language)."""
    with translation.override(language):
        texts = {
            "recording_consent": _("This call may be recorded for quality and training."),
            "queue-position": _("Your position in the queue is"),
            "queue-wait": _("Your expected waiting time is about"),
            "minutes": _("minutes."),
        }
    for n in range(1, min(up_to, MAX_SPOKEN) + 1):
        texts[number_prompt(n)] = "".join(DIGITS[language][int(d)] for d in str(n))
    return texts
