"""The engine: fact tables, the rule registry and vocabulary, plan compilation, backends."""
