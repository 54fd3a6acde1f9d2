"""``nidation assess CASE [--json]``: definitions, predictions and the trace of every rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from nidation.domain import Case
from nidation.engine.result import Assessment, RuleOutcome
from nidation.errors import InputError, NidationError
from nidation.interfaces.cli.app import (
    EXIT_INPUT,
    app,
    err,
    fail,
    knowledge_with,
    out,
    parse_day,
    read_case_or_exit,
)
from nidation.knowledge import Knowledge

_MARK = {
    "met": "✔ met",
    "not_met": "✘ not met",
    "not_assessed": "? not assessed",
    "estimated": "≈ estimated",
    "supported": "✔ supported",
    "ruled_out": "✘ ruled out",
    "recommended": "✔ recommended",
    "consider": "~ consider",
    "research_only": "⚗ research only",
    "advised_against": "✘ advised against",
    "contraindicated": "⛔ contraindicated",
    "not_indicated": "– not indicated",
    "flagged": "⚠ flagged",
    "not_flagged": "✔ no flag",
}


def _table(title: str, outcomes: tuple[RuleOutcome, ...]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    table.add_column("Rule", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Why")
    for o in outcomes:
        why = o.because or ""
        if o.next_step:
            why += f"\n→ {o.next_step}"
        if o.provisional:
            why += "\n(provisional: rests on values not yet verified at source)"
        label = f"{o.rule_id}\n{o.item or o.name}"
        table.add_row(label, _MARK.get(o.status, o.status), why)
    return table


def render_summary(assessment: Assessment, console: Console) -> None:
    """The readable terminal summary of an assessment."""
    a = assessment
    console.print(f"Nidation assessment — patient {a.patient_id}, as of {a.as_of}")
    console.print(
        f"nidation {a.nidation_version} · knowledge {a.knowledge_version}"
        + (f" · clinic overlay: {a.overlay}" if a.overlay else "")
    )
    events = a.views.get("pregnancy_events", ())
    if events:
        ev = Table(title="Pregnancies", title_justify="left")
        for col in ("pregnancy", "ended", "weeks", "category", "ESHRE", "ASRM"):
            ev.add_column(col)
        for e in events:
            weeks = e.get("gestational_weeks")
            ev.add_row(
                str(e["pregnancy_id"]),
                str(e.get("end_date") or "—"),
                f"{weeks:.1f}" if weeks is not None else "—",
                str(e["category"]),
                "counts" if e.get("counts_eshre") else "—",
                "counts" if e.get("counts_asrm") else "—",
            )
        console.print(ev)
    transfers = list(a.views.get("transfer_chances", ()))
    if transfers:
        tt = Table(title="Transferred embryos", title_justify="left")
        for col in (
            "transfer",
            "date",
            "embryo",
            "stage",
            "PGT-A",
            "age",
            "pᵢ",
            "counted",
            "cumulative",
        ):
            tt.add_column(col)
        for t in transfers:
            p, cum, age = t.get("p_implant"), t.get("cumulative_chance"), t.get("age_used")
            tt.add_row(
                str(t["transfer_id"]),
                str(t["transfer_date"]),
                str(t["embryo_id"]),
                str(t.get("stage") or "—"),
                str(t.get("pgt_a") or "—"),
                f"{age:.1f}" if age is not None else "—",
                f"{p:.2f}" if p is not None else "unknown",
                "yes" if t.get("counted") else "no",
                f"{cum:.0%}" if cum is not None else "—",
            )
        console.print(tt)
    console.print(_table("Definitions", a.definitions))
    console.print(_table("Predictions", a.predictions))
    for title, group in (
        ("Causes", a.causes),
        ("Investigations", a.investigations),
        ("Treatment protocol", a.therapies),
        ("Surveillance and safety checks", a.surveillance),
    ):
        if group:
            console.print(_table(title, group))
    console.print(a.disclaimer)


def _with_protocols(case: Case, file: Path | None, names: list[str], kb: Knowledge) -> Case:
    """``case`` with the therapies of the named clinic protocols requested."""
    from nidation.io.protocols import apply_protocol, read_protocols

    if file is None:
        fail("--protocol needs --protocols FILE (the clinic's protocols file)", code=EXIT_INPUT)
    try:
        known = read_protocols(file, knowledge=kb)
    except InputError as exc:
        for problem in exc.problems:
            err().print(f"{file}: {problem}")
        raise typer.Exit(EXIT_INPUT) from None
    for name in names:
        if name not in known:
            fail(
                f"{file}: protocol {name!r} is not defined (defined: {', '.join(sorted(known))})",
                code=EXIT_INPUT,
            )
        case = apply_protocol(case, known[name])
    return case


@app.command()
def assess(
    case_file: Annotated[Path, typer.Argument(help="A case file (.json, .yaml, .yml).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the assessment as JSON.")] = False,
    today: Annotated[
        str | None,
        typer.Option(
            help="Assessment date for a case without as_of (YYYY-MM-DD).", show_default=False
        ),
    ] = None,
    overlay: Annotated[
        Path | None,
        typer.Option(
            help="A clinic overlay (TOML): its own implantation table or RIF settings.",
            show_default=False,
        ),
    ] = None,
    protocols: Annotated[
        Path | None,
        typer.Option(help="A clinic protocols file (TOML).", show_default=False),
    ] = None,
    protocol: Annotated[
        list[str] | None,
        typer.Option(
            help="Request every therapy of this clinic protocol (repeatable; needs --protocols).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Assess one case: definitions, causes, work-up, treatment protocol and safety checks."""
    from nidation.api import Assessor, default_assessor

    day = parse_day(today)
    kb = knowledge_with(overlay)
    case = read_case_or_exit(case_file, kb, day)
    if protocol:
        case = _with_protocols(case, protocols, protocol, kb)
    try:
        assessor = default_assessor() if overlay is None else Assessor(kb)
        assessment = assessor.assess(case, today=day)
    except NidationError as exc:
        fail(f"the assessment could not be made: {exc}")
    except Exception as exc:  # a defect in a rule must not reach the user as a traceback
        fail(f"internal error while assessing ({type(exc).__name__}: {exc}); please report it")
    if as_json:
        out().print(json.dumps(assessment.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        render_summary(assessment, Console(highlight=False, markup=False, emoji=False))
