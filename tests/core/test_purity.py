"""The core stays pure: no web framework, no SIP library, anywhere under switchboard/core."""

import ast
from pathlib import Path

import switchboard.core

FORBIDDEN = {"django", "sippy", "channels", "ninja"}
CORE = Path(switchboard.core.__file__).parent


def imported_roots(tree: ast.AST) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_core_module_imports_django_sippy_channels_or_ninja():
    modules = sorted(CORE.rglob("*.py"))
    assert modules, "switchboard/core has no modules to check"
    offenders = {
        str(path.relative_to(CORE)): sorted(imported_roots(ast.parse(path.read_text())) & FORBIDDEN)
        for path in modules
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_purity_check_catches_a_forbidden_import():
    tree = ast.parse("import os\nfrom django.db import models\nimport sippy.UA as ua\n")
    assert imported_roots(tree) & FORBIDDEN == {"django", "sippy"}
