"""The I/O layer: the only code that reads input files or writes outputs."""

from pipelines.io.outdir import atomic_output
from pipelines.io.read import FORMATS, SOURCES, RawTable, find_inputs, read_source, read_table
from pipelines.io.write import write_json, write_parquet

__all__ = [
    "FORMATS",
    "SOURCES",
    "RawTable",
    "atomic_output",
    "find_inputs",
    "read_source",
    "read_table",
    "write_json",
    "write_parquet",
]
