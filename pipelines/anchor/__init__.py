"""The benchmark anchor: Splink 5 + DuckDB on the same raw records dancu cleans.

``sql`` builds the pre-processing a careful Splink user writes (pure strings, standard
library only); ``splink_run`` is the script that runs in Splink's own environment
(``uv run --no-project --with splink==5.0.0 --with duckdb==2.0.0``); ``run`` starts it from
the bench and reads back its clusters and timings.
"""
