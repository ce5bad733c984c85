"""One way to run numerical code on a single thread: :func:`single_thread`.

Why: the models of this package (logistic regression in the validation, NMF/LDA in the topic
models) are fitted on matrices of a few hundred rows, where starting a BLAS or OpenMP thread pool
costs more than it saves; the pipeline runs several notebooks at once on a two-core machine, so
every pool of two threads per process oversubscribes the cores; and a fixed thread count keeps
floating-point sums in one order, so predictions and topics are bit-identical from run to run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

__all__ = ["single_thread"]


@lru_cache(maxsize=1)
def _thread_controller() -> Any:
    """One ``ThreadpoolController`` per process: building it scans the loaded libraries (~7 ms),
    and the callers enter :func:`single_thread` once per fold or model fit."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextmanager
def single_thread() -> Iterator[None]:
    """Limit every BLAS and OpenMP thread pool of the process to one thread inside the block.

    The limit is process-wide (it acts on the loaded native libraries, not on one thread) and the
    previous limits are restored on exit, also after an exception. ``threadpoolctl`` is a
    dependency of scikit-learn. The libraries are found when the first block is entered, so enter
    it after importing the library that fits (scikit-learn, which loads its OpenMP runtime at
    import), as every caller does.

    Yields
    ------
    None

    Examples
    --------
    >>> from mdi_analysis.stats._threads import single_thread
    >>> with single_thread():
    ...     pass  # model.fit(x, y)
    """
    limits = _thread_controller().limit(limits=1)
    try:
        yield
    finally:
        limits.restore_original_limits()
