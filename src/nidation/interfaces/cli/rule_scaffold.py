"""``nidation rules new``: the three files a new rule consists of, ready to fill in.

A rule is one unit: knowledge entries (with source and locator), one module with metadata,
docstring and decision, and its golden-cases file. Nothing else needs editing: modules are
discovered, derivations ordered by what they read, docs generated."""

from __future__ import annotations

import re
from pathlib import Path

RULE_ID = re.compile(r"^[A-Z]+-[A-Z]+-\d{3}$")
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")

MODULE = '''"""{title}."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from nidation.engine.registry import rule
from nidation.engine.sources import Facts
from nidation.engine.vocabulary import tri_state
from nidation.knowledge import Knowledge


@rule(
    id="{rule_id}",
    name="{name}",
    kind="{kind}",
    implements=["TODO-source/TODO-recommendation"],
    uses=["{area}.TODO_threshold"],
    because={{}},
    next_step={{}},
    lifecycle="preview",
)
def {function}(facts: Facts, kb: Knowledge) -> ir.Table:
    """TODO: one line saying the finding.

    ## What it decides
    TODO

    ## Why it matters
    TODO

    ## Not assessed when
    TODO: which missing data leaves the answer open (unknown is never normal).

    ## Example
    TODO
    """
    p = facts.patients
    status = tri_state(certainly=ibis.literal(False), possibly=ibis.literal(True))
    return p.select("patient_id", status=status)
'''

CASES = """# Golden cases for {rule_id} ({name}). Every numeric threshold in `uses` needs
# cases on the sides below, at, above and missing (tagged threshold: and side:).
# See docs/rules/AUTHORING.md.
cases:
  - name: not-assessed/todo
    rule: {rule_id}
    why: "TODO: why this case expects this status."
    case:
      patient: {{age_years: 34}}
    expect:
      status: not_assessed
"""

KNOWLEDGE = """# Knowledge used by {rule_id} ({name}), loaded with the other thresholds.
# Every entry: source, locator, verified (false unless read at the source); recommendations go in
# recommendations.d/, sources in sources.d/ (same format as the main files).
#
# [thresholds."{area}.TODO_threshold"]
# value = 0
# unit = ""
# operator = ">="
# source = "TODO-source"
# locator = "TODO section / recommendation number"
# verified = false
"""


def scaffold(
    root: Path, *, area: str, module: str, rule_id: str, name: str, kind: str
) -> list[Path]:
    """Write the module, its cases file and a knowledge stub under ``root`` (the repository);
    refuse to overwrite anything."""
    problems = []
    if not SLUG.match(area):
        problems.append(f"area {area!r} must be a lower-case Python name")
    if not SLUG.match(module):
        problems.append(f"module {module!r} must be a lower-case Python name")
    if not RULE_ID.match(rule_id):
        problems.append(f"rule id {rule_id!r} must look like AREA-KIND-NNN")
    if not NAME.match(name):
        problems.append(f"name {name!r} must be kebab-case and say the finding")
    if problems:
        raise ValueError("; ".join(problems))
    package = root / "src" / "nidation" / "rules" / area
    data = root / "src" / "nidation" / "knowledge" / "data" / "thresholds.d"
    files = {
        package / f"{module}.py": MODULE,
        package / f"{module}.cases.yaml": CASES,
        data / f"{module}.toml": KNOWLEDGE,
    }
    existing = [str(p) for p in files if p.exists()]
    if existing:
        raise ValueError(f"will not overwrite {', '.join(existing)}")
    values = {
        "title": name.replace("-", " ").capitalize(),
        "rule_id": rule_id,
        "name": name,
        "kind": kind,
        "area": area,
        "function": name.replace("-", "_"),
    }
    package.mkdir(parents=True, exist_ok=True)
    init = package / "__init__.py"
    if not init.exists():
        init.write_text(f'"""Rules of the {area} area."""\n', encoding="utf-8")
    data.mkdir(parents=True, exist_ok=True)
    for path, template in files.items():
        path.write_text(template.format(**values), encoding="utf-8")
    return list(files)
