"""Laboratory results as rules read them."""
