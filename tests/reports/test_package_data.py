"""Templates and catalogues ship inside the package (so inside the wheel) and load from it."""

from __future__ import annotations

from importlib.resources import files

from nidation.reports.i18n import LANGUAGES, catalogue_path


def test_templates_and_catalogues_load_from_the_installed_package() -> None:
    package = files("nidation.reports")
    for template in (
        "base.html.j2",
        "clinician.html.j2",
        "clinician.md.j2",
        "patient.html.j2",
        "patient.md.j2",
        "report.css",
    ):
        assert package.joinpath("templates", template).is_file(), template
    for lang in LANGUAGES[1:]:
        po = package.joinpath(catalogue_path(lang)).read_text(encoding="utf-8")
        assert f'"Language: {lang}\\n"' in po
