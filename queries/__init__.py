"""Named Cypher queries, one per ``.cypher`` file; see :mod:`queries.loader`."""
