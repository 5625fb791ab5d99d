"""Vietnamese field standardisation expressions."""
