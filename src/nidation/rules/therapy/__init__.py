"""Treatment: the guideline stance on each therapy her indications call for
(``therapy_options``), the therapies a clinician or a clinic protocol requested, checked
against those stances, and the safety checks of each therapy against her record."""
