"""wres.results.read: a results table read back with its declared column types."""

from __future__ import annotations

import warnings

import pandas as pd

from wres import results


def test_a_long_table_reads_its_booleans_without_mixed_type_guessing(tmp_path):
    # pandas infers a long file's columns chunk by chunk: empty cells in the first chunks and
    # True/False later gave "mixed types" (seen with 2,000 organisations).
    n_empty, n_set = 300_000, 1_000
    flags = [""] * n_empty + ["True", "False"] * (n_set // 2)
    frame = pd.DataFrame({"org_code": ["ZZ001"] * len(flags), "in_non_adverse_range": flags})
    where = results.path(tmp_path, "organisation_indicators")
    frame.to_csv(where, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = results.read(tmp_path, "organisation_indicators")
    column = back["in_non_adverse_range"]
    assert str(column.dtype) == "boolean"
    assert column.isna().sum() == n_empty
    assert column.sum() == n_set // 2 and (column == False).sum() == n_set // 2  # noqa: E712
