"""The cohort audit report: prevalence of RPL and RIF by definition, age band and year;
work-up completeness per recommended investigation; therapy outcomes against guideline
stance; patients with repeats overdue. Computed with DuckDB SQL over the per-patient summary
of a cohort run (``summary/``: statuses and list items; evidence is not needed), rendered
with Jinja2 and inline SVG charts — one self-contained HTML file, no network."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from nidation._version import __version__
from nidation.cohort.audit_charts import bar_chart, line_chart, stacked_bars
from nidation.cohort.summary import ITEMS_SUFFIX, long_sql
from nidation.errors import InputError, Problem
from nidation.knowledge import Knowledge, load_knowledge
from nidation.rules import default_rules

__all__ = ["age_bands", "audit_data", "render_audit", "write_audit"]


def age_bands(kb: Knowledge) -> tuple[tuple[float | None, float | None], ...]:
    """Age bands [low, high) in years: the ESHRE implantation table's own age bands."""
    rows = kb.tables["embryo_implantation"].rows
    edges = sorted({float(v) for r in rows for v in (r["age_min"], r["age_max"]) if v is not None})
    bounds: list[float | None] = [None, *edges, None]
    return tuple(pairwise(bounds))


DEFINITIONS = "rule_id LIKE 'RPL-DEF-%' OR rule_id LIKE 'RIF-DEF-%'"
WORKUP = "rule_id IN ('INV-PLAN-001', 'INV-PLAN-002', 'INV-PLAN-003')"
_TEMPLATES = Path(__file__).parent / "templates"


def _band_sql(kb: Knowledge) -> str:
    cases = []
    for low, high in age_bands(kb):
        label = (
            f"<{high:g}"
            if low is None
            else (f"≥{low:g}" if high is None else f"{low:g}–{high - 1:g}")
        )
        test = " AND ".join(
            t
            for t in (
                low is not None and f"age_years >= {low}",
                high is not None and f"age_years < {high}",
            )
            if t
        )
        cases.append(f"WHEN {test} THEN '{label}'")
    return f"CASE {' '.join(cases)} ELSE 'unknown' END"


def _connect(results_dir: Path, kb: Knowledge) -> duckdb.DuckDBPyConnection:
    summary = results_dir / "summary"
    if not summary.is_dir():
        raise InputError(
            [
                Problem(
                    str(results_dir),
                    None,
                    "holds no results/ and summary/ folders",
                    "Give the output directory of 'nidation cohort'",
                )
            ]
        )
    con = duckdb.connect(":memory:")
    con.execute(f"CREATE VIEW summary AS SELECT * FROM read_parquet('{summary}/*.parquet')")
    columns = con.execute("SELECT column_name, column_type FROM (DESCRIBE summary)").fetchall()
    rule_ids = [name for name, kind in columns if kind == "TINYINT"]
    list_rules = tuple(
        name.removesuffix(ITEMS_SUFFIX)
        for name, kind in columns
        if name.endswith(ITEMS_SUFFIX) and kind.startswith("MAP")
    )
    long = long_sql("summary", rule_ids=rule_ids, list_rules=list_rules)
    con.execute(f"CREATE VIEW results AS {long}")
    con.execute(
        f"CREATE VIEW patients AS SELECT patient_id, year, age_years, {_band_sql(kb)} AS band "
        "FROM summary"
    )
    return con


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0])


def audit_data(results_dir: str | Path, knowledge: Knowledge | None = None) -> dict[str, Any]:
    """Every number of the audit, as plain rows (the report renders them)."""
    con = _connect(Path(results_dir), knowledge or load_knowledge())
    prevalence = f"""
        SELECT rule_id, {{key}} AS key, count(*) AS patients,
               count(*) FILTER (WHERE status = 'met') AS met,
               count(*) FILTER (WHERE status = 'not_assessed') AS not_assessed
        FROM results JOIN patients USING (patient_id)
        WHERE ({DEFINITIONS}) AND item IS NULL GROUP BY ALL ORDER BY ALL"""
    data: dict[str, Any] = {
        "patients": _scalar(con, "SELECT count(*) FROM patients"),
        "overall": _rows(con, prevalence.format(key="'all'")),
        "by_band": _rows(con, prevalence.format(key="band")),
        "by_year": _rows(con, prevalence.format(key="year")),
        "workup": _rows(
            con,
            f"""
            SELECT item, count(*) AS listed,
                   count(*) FILTER (WHERE status = 'done') AS done,
                   count(*) FILTER (WHERE status = 'due') AS due,
                   count(*) FILTER (WHERE status = 'repeat_due') AS repeat_due,
                   count(*) FILTER (WHERE status NOT IN ('done', 'due', 'repeat_due')) AS other
            FROM results WHERE ({WORKUP}) AND item IS NOT NULL
            GROUP BY item ORDER BY listed DESC, item""",
        ),
        "repeats": _rows(
            con,
            """
            SELECT rule_id, item, count(DISTINCT patient_id) AS patients FROM results
            WHERE status = 'repeat_due' GROUP BY ALL ORDER BY patients DESC, rule_id, item""",
        ),
    }
    data["repeat_patients"] = _scalar(
        con, "SELECT count(DISTINCT patient_id) FROM results WHERE status = 'repeat_due'"
    )
    therapy_rules = [r.id for r in default_rules().active() if r.kind == "therapy"]
    data["therapies"] = []
    if therapy_rules:
        listed = ", ".join(f"'{r}'" for r in therapy_rules)
        data["therapies"] = _rows(
            con,
            f"""
            SELECT coalesce(item, rule_id) AS therapy, status, count(*) AS patients
            FROM results WHERE rule_id IN ({listed}) AND status <> 'not_assessed'
            GROUP BY ALL ORDER BY therapy, status""",
        )
    manifest = Path(results_dir) / "manifest.json"
    data["run"] = json.loads(manifest.read_text()) if manifest.is_file() else {}
    con.close()
    return data


def _rate(row: dict[str, Any]) -> float:
    return 100.0 * row["met"] / row["patients"] if row["patients"] else 0.0


def _charts(data: dict[str, Any]) -> dict[str, str]:
    main = ("RPL-DEF-001", "RIF-DEF-001")
    by_band: dict[str, dict[str, float]] = defaultdict(dict)
    for row in data["by_band"]:
        if row["rule_id"] in main:
            by_band[row["rule_id"]][str(row["key"])] = _rate(row)
    by_year: dict[str, dict[int, float]] = defaultdict(dict)
    for row in data["by_year"]:
        if row["rule_id"] in main:
            by_year[row["rule_id"]][int(row["key"])] = _rate(row)
    workup = data["workup"]
    charts = {
        "band": bar_chart(by_band, title="Definition met, by age band", ylabel="% of patients"),
        "year": line_chart(by_year, title="Definition met, by year", ylabel="% of patients"),
    }
    if workup:
        charts["workup"] = stacked_bars(
            [r["item"] for r in workup],
            {s: [r[s] for r in workup] for s in ("done", "due", "repeat_due", "other")},
            title="Work-up: listed investigations by status (patients)",
        )
    return charts


def render_audit(data: dict[str, Any], *, title: str = "Nidation cohort audit") -> str:
    """The report as one HTML document."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    template = env.get_template("audit.html.j2")
    return template.render(
        title=title,
        data=data,
        charts=_charts(data),
        rate=_rate,
        version=__version__,
        knowledge=data["run"].get("knowledge_version", "unknown"),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def write_audit(results_dir: str | Path, html: str | Path) -> Path:
    """Write the audit of a cohort run's output to ``html`` (written whole, then renamed)."""
    target = Path(html)
    text = render_audit(audit_data(results_dir))
    staging = target.with_name(f".{target.name}.tmp")
    staging.write_text(text, encoding="utf-8")
    staging.replace(target)
    return target
