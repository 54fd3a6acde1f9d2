"""Clinic protocols: named lists of therapies a clinic offers, read from a TOML file.

A clinic writes its own protocols (e.g. an implantation-failure unit's personalised
immunomodulatory protocol)::

    [protocols.rif-immune]
    title = "Implantation-failure unit: immunomodulatory protocol"
    therapies = ["prednisolone", "intralipid", "g_csf", "low_dose_aspirin"]

Applying a protocol to a case adds each therapy as a request labelled with the protocol's
name; the rules then check every item against her indications, the guideline stance and her
contraindications (TX-REQ-001, TX-SAFE-001). Nothing is dropped or endorsed here.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nidation.domain import Case
from nidation.domain.history import TherapyRequest
from nidation.errors import InputError, Problem
from nidation.knowledge import Knowledge

__all__ = ["ClinicProtocol", "apply_protocol", "read_protocols"]


class ClinicProtocol(BaseModel):
    """One named protocol: its title and the therapy keys it lists."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=200)
    therapies: tuple[str, ...] = Field(min_length=1)


def _problem(path: str, value: object, why: str, action: str) -> InputError:
    return InputError([Problem(path=path, value=value, why=why, action=action)])


def read_protocols(path: Path, *, knowledge: Knowledge) -> dict[str, ClinicProtocol]:
    """Every protocol in ``path``; unknown therapy keys and malformed entries are refused."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _problem(
            str(path), None, "no such file", "Give the path of a protocols file"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _problem(str(path), None, f"not valid TOML: {exc}", "Fix the file") from None
    section = data.get("protocols")
    if not isinstance(section, dict) or not section:
        raise _problem(
            "protocols", section, "no [protocols.<name>] table", "Define at least one protocol"
        )
    known = {e.key for e in knowledge.valuesets["therapies"].entries}
    problems: list[Problem] = []
    protocols: dict[str, ClinicProtocol] = {}
    for name, body in section.items():
        where = f"protocols.{name}"
        if not isinstance(body, dict):
            problems.append(Problem(where, body, "not a table", "Write [protocols.<name>]"))
            continue
        try:
            protocol = ClinicProtocol.model_validate({"name": name, **body})
        except ValidationError as exc:
            problems += [
                Problem(
                    path=".".join([where, *(str(p) for p in e["loc"])]),
                    value=e.get("input"),
                    why=f"{e['msg']} ({e['type']})",
                    action="Give a title and a non-empty list of therapy keys, nothing else",
                )
                for e in exc.errors()
            ]
            continue
        for i, key in enumerate(protocol.therapies):
            if key not in known:
                problems.append(
                    Problem(
                        path=f"{where}.therapies[{i}]",
                        value=key,
                        why="not a therapy key of the knowledge base",
                        action=f"Use one of: {', '.join(sorted(known))}",
                    )
                )
        protocols[name] = protocol
    if problems:
        raise InputError(problems)
    return protocols


def apply_protocol(case: Case, protocol: ClinicProtocol) -> Case:
    """``case`` with every therapy of ``protocol`` requested under the protocol's name
    (therapies already requested under that name are not added twice)."""
    have = {(r.therapy, r.protocol) for r in case.requested_therapies}
    added = tuple(
        TherapyRequest(therapy=t, protocol=protocol.name)
        for t in protocol.therapies
        if (t, protocol.name) not in have
    )
    return case.model_copy(update={"requested_therapies": case.requested_therapies + added})
