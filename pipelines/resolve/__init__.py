"""Person resolution: blocking, comparison, scoring, clustering, golden records.

The frames passed between the steps are described in ``CONTRACT.md``.
"""
