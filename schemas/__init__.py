"""Pandera models per source and stage boundary."""
