"""Nidation: why embryos do not implant, and why pregnancies are lost — guideline-traced answers."""

__version__ = "0.1.0"
__all__ = ["__version__"]
