"""Current medications: each one checked against sourced advice for before and during pregnancy
(stop, switch by when, or continue), matched by its key in the ``medications`` value set."""
