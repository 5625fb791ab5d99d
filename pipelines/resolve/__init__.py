"""Person resolution: blocking, comparison, scoring, clustering, golden records (see CONTRACT.md)."""
