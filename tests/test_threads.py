"""stats.single_thread: one BLAS/OpenMP thread inside the block, the previous limits restored after."""

from __future__ import annotations

import pytest
import sklearn.linear_model  # noqa: F401  (loads the OpenMP runtime scikit-learn fits with)
from threadpoolctl import threadpool_info

from mdi_analysis.stats._threads import single_thread


def _threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info()]


def test_single_thread_limits_every_pool_and_restores_the_limits():
    before = _threads()
    with single_thread():
        assert set(_threads()) <= {1}
    assert _threads() == before


def test_single_thread_restores_the_limits_after_an_exception():
    before = _threads()
    with pytest.raises(RuntimeError), single_thread():
        raise RuntimeError("fit failed")
    assert _threads() == before
