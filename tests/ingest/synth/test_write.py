"""Writing in chunks gives the same file as writing at once."""

import pandas as pd
import pytest

from ingest.synth import generate, write


@pytest.mark.parametrize("fmt", ["csv", "csv-gb18030", "parquet"])
def test_chunked_output_equals_one_piece(tmp_path, monkeypatch, fmt):
    generate(tmp_path / "whole", patients=1000, seed=3, fmt=fmt)
    monkeypatch.setattr(write, "CHUNK", 997)
    generate(tmp_path / "chunked", patients=1000, seed=3, fmt=fmt)
    ext = write.EXTENSIONS[fmt]
    a = tmp_path / "whole" / "input" / f"claims.{ext}"
    b = tmp_path / "chunked" / "input" / f"claims.{ext}"
    if fmt == "parquet":  # row groups differ; the rows must not
        pd.testing.assert_frame_equal(pd.read_parquet(a), pd.read_parquet(b))
    else:
        assert a.read_bytes() == b.read_bytes()
    assert not list((tmp_path / "chunked" / "input").glob("*.tmp"))
