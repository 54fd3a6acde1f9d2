"""Cohort mode (see the submodules)."""
