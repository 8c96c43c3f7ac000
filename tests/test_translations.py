"""Every string a user can see has its Bengali translation.

The test extracts the messages afresh (as `makemessages` would) in a scratch copy of the
code, so a string added to a template or a view without a translation fails here.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def read_po(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) entries of a PO file; plural forms count as untranslated if any is empty."""
    entries, msgid, msgstrs, fuzzy, field = [], None, [], False, None

    def flush():
        if msgid is not None:
            entries.append((msgid, "" if not msgstrs or not all(msgstrs) else msgstrs[0], fuzzy))

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            flush()
            msgid, msgstrs, fuzzy, field = None, [], False, None
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid "):
            msgid, field = _unquote(line[6:]), "id"
        elif line.startswith("msgid_plural "):
            field = "plural"
        elif line.startswith("msgstr"):
            msgstrs.append(_unquote(line.split(" ", 1)[1]))
            field = "str"
        elif line.startswith('"'):
            if field == "id":
                msgid += _unquote(line)
            elif field == "str":
                msgstrs[-1] += _unquote(line)
    return [e for e in entries if e[0]]


def _unquote(text: str) -> str:
    return text.strip()[1:-1]


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext is missing (make test installs it)")
def test_every_user_facing_string_has_a_bengali_translation(tmp_path):
    for name in ("switchboard", "config", "locale"):
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo", "__pycache__")
        )
    shutil.copy(ROOT / "manage.py", tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "bn", "--no-obsolete", "-v", "0"],
        cwd=tmp_path,
        check=True,
        env={"PATH": "/usr/bin:/bin", "SWITCHBOARD_VAR_DIR": str(tmp_path / "var")},
    )
    entries = read_po(tmp_path / "locale" / "bn" / "LC_MESSAGES" / "django.po")
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert entries, "no messages were extracted"
    assert not missing, f"{len(missing)} strings lack a Bengali translation, e.g. {missing[:5]}"


def test_the_committed_catalog_compiles_without_errors(tmp_path):
    po = ROOT / "locale" / "bn" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
