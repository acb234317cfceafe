"""The co-occurrence projection on Apache Spark (optional: ``pip install 'ringtrace[spark]'`` and Java 17+).

Chosen by ``[detect] projection_engine = "spark"`` in ``ringtrace.toml`` (see
:mod:`graph.detect.engine`); :mod:`.session` builds the SparkSession, :mod:`.cooccurrence` the
projection. Importing this package does not import pyspark.
"""

__all__: list[str] = []
