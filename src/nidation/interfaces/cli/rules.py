"""``nidation rules list`` and ``nidation rules explain ID``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from nidation.engine.registry import Rule
from nidation.interfaces.cli.app import EXIT_INPUT, app, fail, knowledge, out

rules_app = typer.Typer(help="List and explain the rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


def _as_dict(r: Rule) -> dict[str, object]:
    return {
        "id": r.id,
        "name": r.name,
        "kind": r.kind.value,
        "lifecycle": r.lifecycle,
        "since": r.since,
        "implements": list(r.implements),
        "uses": list(r.uses),
        "cases": str(r.cases_file.name) if r.cases_file else None,
    }


@rules_app.command("list")
def list_rules(
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Every rule with its id, name, kind and lifecycle."""
    from nidation.rules import default_rules

    rules = default_rules()
    if fmt == "json":
        out().print(json.dumps([_as_dict(r) for r in rules], indent=2))
        return
    if fmt != "table":
        fail(f"--format must be 'table' or 'json', not {fmt!r}", code=EXIT_INPUT)
    table = Table()
    for col in ("id", "name", "kind", "lifecycle", "implements"):
        table.add_column(col)
    for r in rules:
        table.add_row(r.id, r.name, r.kind.value, r.lifecycle, ", ".join(r.implements))
    out().print(table)


@rules_app.command("explain")
def explain(
    rule_id: Annotated[str, typer.Argument(help="Rule id or name.")],
    markdown: Annotated[
        bool, typer.Option("--markdown", help="The generated reference page (docs/rules/ID.md)")
    ] = False,
) -> None:
    """A rule's documentation, the knowledge it uses and its sources."""
    from nidation.engine.explain import source_refs
    from nidation.rules import default_rules

    try:
        r = default_rules().get(rule_id)
    except KeyError as exc:
        fail(str(exc.args[0]), code=EXIT_INPUT)
    if markdown:
        from nidation.engine.rule_docs import rule_markdown

        typer.echo(rule_markdown(r, knowledge()), nl=False)
        return
    console = out()
    console.print(f"{r.id} · {r.name} · {r.kind.value} · {r.lifecycle} since {r.since}\n")
    console.print(r.doc)
    console.print("\nSources:")
    for ref in source_refs(r, knowledge()):
        flag = "" if ref["verified"] else " (provisional: not verified at source)"
        strength = f" — strength: {ref['strength']}" if ref["strength"] else ""
        console.print(
            f"  [{ref['kind']}] {ref['key']}: {ref['source']}, {ref['locator']}{strength}{flag}"
        )


@rules_app.command("docs")
def docs(
    folder: Annotated[Path, typer.Option("-o", "--out", help="Folder of the pages")] = Path(
        "docs/rules"
    ),
) -> None:
    """Write every rule's reference page (``<ID>.md``) from the code; pages of removed rules go."""
    from nidation.engine.rule_docs import write_rule_docs
    from nidation.rules import default_rules

    written = write_rule_docs(list(default_rules().active()), knowledge(), folder)
    out().print(f"Wrote {len(written)} rule pages to {folder}")


@rules_app.command("new")
def new(
    area: Annotated[str, typer.Argument(help="Area package, e.g. 'endocrine'")],
    module: Annotated[str, typer.Argument(help="Module name, e.g. 'adrenal'")],
    rule_id: Annotated[str, typer.Option("--id", help="Permanent id AREA-KIND-NNN")],
    name: Annotated[str, typer.Option("--name", help="kebab-case name saying the finding")],
    kind: Annotated[str, typer.Option("--kind", help="criterion, cause, investigation, …")],
    root: Annotated[Path, typer.Option("--root", help="Repository root")] = Path(),
) -> None:
    """Write a new rule's three files (module, cases, knowledge) to fill in."""
    from nidation.engine.status import Kind
    from nidation.interfaces.cli.rule_scaffold import scaffold

    kinds = [k.value for k in Kind]
    if kind not in kinds:
        fail(f"--kind must be one of {', '.join(kinds)}, not {kind!r}", code=EXIT_INPUT)
    try:
        paths = scaffold(root, area=area, module=module, rule_id=rule_id, name=name, kind=kind)
    except ValueError as exc:
        fail(str(exc), code=EXIT_INPUT)
    for path in paths:
        out().print(f"wrote {path}")
