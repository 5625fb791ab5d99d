r"""Entry point for ``spark-submit``: the ``dancu`` command line inside a submitted driver.

Give ``clean --engine spark`` without ``--spark-master``: the master, the driver's memory and
the executors are spark-submit's (README, "Spark"). The files under ``--raw`` and the folder
of ``--out`` must be on a file system every node mounts at the same path.

Example (shell)::

    spark-submit --master yarn --deploy-mode client \
        --conf spark.pyspark.python=./env/bin/python --archives dancu-env.tar.gz#env \
        pipelines/spark/submit.py clean --raw /shared/raw --out /shared/clean --engine spark
"""

from pipelines.cli import main

if __name__ == "__main__":
    main()
