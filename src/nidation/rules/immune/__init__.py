"""Immune and thrombotic causes: antiphospholipid antibodies and APS classification
(Sydney 2006, ACR/EULAR 2023 side by side), SLE / connective-tissue disease, inherited
thrombophilia, and alloimmune testing (HLA, KIR, NK cells, cytokines), which guidelines advise
against and which is never reported as a proven cause."""
