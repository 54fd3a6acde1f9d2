"""Rules of this area."""
