"""Reading and writing cases and results: case files (JSON/YAML), FHIR, tables."""
