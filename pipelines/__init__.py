"""dancu: data-quality pipeline for Vietnamese resident records."""

import warnings

# Pandera imports pyspark.pandas when PySpark is installed (the optional `spark` group), which
# warns about pandas 3 on every command; dancu uses neither pandas nor pyspark.pandas.
warnings.filterwarnings(
    "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
)
