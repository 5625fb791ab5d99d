"""Polars frames to and from the Arrow batches Spark's Python UDFs exchange.

Spark has no unsigned integers and declares strings as Arrow ``string``; Polars gives
``large_string`` and ``uint32``. Every frame a UDF returns is cast to the declared Spark
schema, and every frame it reads is cast back to the Polars schema the stage code expects.

Example:
    >>> frame = pl.DataFrame({"rid": pl.Series([1], dtype=pl.UInt32), "name": ["An"]})
    >>> spark_ddl(frame.schema)
    'rid BIGINT, name STRING'
"""

from __future__ import annotations

from typing import Any

import polars as pl

__all__ = ["from_spark", "spark_ddl", "spark_safe", "to_spark"]

_DDL: dict[type[pl.DataType], str] = {
    pl.String: "STRING",
    pl.Int8: "TINYINT",
    pl.Int16: "SMALLINT",
    pl.Int32: "INT",
    pl.Int64: "BIGINT",
    pl.UInt8: "SMALLINT",
    pl.UInt16: "INT",
    pl.UInt32: "BIGINT",
    pl.UInt64: "BIGINT",
    pl.Float32: "FLOAT",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
    pl.Date: "DATE",
    pl.Binary: "BINARY",
}
_WIDER: dict[type[pl.DataType], pl.DataType] = {
    pl.UInt8: pl.Int16(),
    pl.UInt16: pl.Int32(),
    pl.UInt32: pl.Int64(),
    pl.UInt64: pl.Int64(),
    pl.Null: pl.String(),
}


def spark_safe(schema: pl.Schema) -> pl.Schema:
    """Return ``schema`` with the types Spark has no twin for widened (unsigned, null)."""
    return pl.Schema({name: _WIDER.get(type(dtype), dtype) for name, dtype in schema.items()})


def spark_ddl(schema: pl.Schema) -> str:
    """Return the Spark DDL of a Polars schema (the declared schema of a UDF's output)."""
    parts = []
    for name, dtype in schema.items():
        if type(dtype) not in _DDL:
            raise TypeError(f"column {name!r}: no Spark type for {dtype}")
        parts.append(f"{name} {_DDL[type(dtype)]}")
    return ", ".join(parts)


def to_spark(frame: pl.DataFrame) -> Any:
    """Return ``frame`` as a ``pyarrow.Table`` of the types :func:`spark_ddl` declares."""
    import pyarrow as pa

    table = frame.cast(spark_safe(frame.schema)).to_arrow()
    fields = [
        pa.field(f.name, pa.string() if pa.types.is_large_string(f.type) else f.type)
        for f in table.schema
    ]
    return table.cast(pa.schema(fields))


def from_spark(data: Any, schema: pl.Schema) -> pl.DataFrame:
    """Return a ``pyarrow`` table or batch from Spark as a Polars frame of ``schema``."""
    frame = pl.from_arrow(data)
    assert isinstance(frame, pl.DataFrame)
    return frame.select(schema.names()).cast(schema)
