"""Obstetric history that shapes the next pregnancy: spontaneous second-trimester loss, preterm
birth and cervical insufficiency (cervical-length surveillance, cerclage, vaginal progesterone)."""
