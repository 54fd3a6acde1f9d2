"""Causes that lie in the conception rather than the mother: embryo aneuploidy (EMB-CAUSE-001),
poor embryo quality or slow development (EMB-CAUSE-002), a balanced structural rearrangement in
either partner (GEN-CAUSE-001) and sperm DNA fragmentation (MALE-CAUSE-001, explanatory only).

Each cause is decided in a ``cause_<name>`` derivation (every patient, ``patient_id``,
``status`` and evidence) so that rules such as "unexplained RPL" can read it; the rule returns
that table."""
