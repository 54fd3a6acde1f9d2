"""Clinic protocols files: read, refused with the field named, applied as requests."""

from __future__ import annotations

from pathlib import Path

import pytest

from nidation.errors import InputError
from nidation.io.case_file import read_case
from nidation.io.protocols import apply_protocol, read_protocols
from nidation.knowledge import load_knowledge

ROOT = Path(__file__).parents[2]
KB = load_knowledge()


def test_the_example_protocols_file_reads() -> None:
    protocols = read_protocols(ROOT / "examples/clinic-protocols.toml", knowledge=KB)
    assert set(protocols) == {"rif-immune", "aps-obstetric"}
    assert protocols["aps-obstetric"].therapies == ("lmwh", "low_dose_aspirin")


def test_an_unknown_therapy_is_refused_with_its_path(tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text('[protocols.x]\ntitle = "X"\ntherapies = ["lmwh", "leeches"]\n')
    with pytest.raises(InputError) as err:
        read_protocols(f, knowledge=KB)
    (problem,) = err.value.problems
    assert problem.path == "protocols.x.therapies[1]"
    assert problem.value == "leeches"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("not toml = = 1", "not valid TOML"),
        ("[other]\na = 1\n", "no [protocols.<name>] table"),
        ('[protocols.x]\ntitle = "X"\ntherapies = []\n', "too_short"),
        ('[protocols.x]\ntitle = "X"\ntherapies = ["lmwh"]\ndose = 3\n', "extra"),
    ],
)
def test_malformed_files_are_refused(tmp_path: Path, text: str, why: str) -> None:
    f = tmp_path / "p.toml"
    f.write_text(text)
    with pytest.raises(InputError) as err:
        read_protocols(f, knowledge=KB)
    assert any(why.lower() in str(p).lower() for p in err.value.problems), err.value.problems


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_protocols(tmp_path / "absent.toml", knowledge=KB)


def test_applying_a_protocol_requests_each_therapy_once() -> None:
    case = read_case(ROOT / "examples/rif-only.yaml", knowledge=KB)
    protocol = read_protocols(ROOT / "examples/clinic-protocols.toml", knowledge=KB)["rif-immune"]
    once = apply_protocol(case, protocol)
    twice = apply_protocol(once, protocol)
    requested = [(r.therapy, r.protocol) for r in twice.requested_therapies]
    assert requested == [(t, "rif-immune") for t in protocol.therapies]
    assert case.requested_therapies == ()
