"""One way to check a parameter value, so every function says the same thing about a bad one.

Why: notebooks pass user-edited literals (``method = "nmf"``, ``min_df = 2``) straight into the
library, and papermill passes ``-p`` values from the command line. A typo should stop the run at
once with one line that names the option, the value given and what is valid, not surface later
as a ``KeyError`` deep in pandas or scikit-learn. Each check returns the value in its canonical
type, so callers write ``k = check_int(k, "k", low=2)`` and continue.

All checks raise :class:`~mdi_analysis.errors.OptionError` (a ``ValueError``).
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

from .errors import OptionError

__all__ = ["check_choice", "check_int", "check_number"]


def check_choice(
    value: object,
    allowed: Iterable[object],
    name: str,
    *,
    max_listed: int | None = None,
    none_because: str | None = None,
) -> str:
    """``value`` must be one of ``allowed``.

    Why ``none_because``: the valid values often come from the data (the research questions of a
    corpus, its sections, its roles). When the data has none, "valid:" followed by nothing tells
    the reader neither what is wrong nor what to do; the caller, who knows where the values come
    from, says it instead, and the message never lists an empty set.

    Parameters
    ----------
    value : object
        The value given.
    allowed : iterable
        The valid values, in the order the message lists them.
    name : str
        The option's name as the caller knows it (``"method"``, ``"normaliser"``).
    max_listed : int, optional
        List at most this many valid values in the message (a codebook has over a hundred
        categories; the first ones and "…" tell the reader what a valid id looks like).
    none_because : str, optional
        Used when ``allowed`` is empty: why there is nothing to choose from and what to do
        (``"the corpus x/ has no sections.csv column research_question; …"``). Without it the
        message says that there is no valid value here.

    Returns
    -------
    str
        ``value`` as a string.
    """
    allowed = tuple(allowed)
    if not allowed:
        raise OptionError(f"{name} {value!r}: {none_because or f'there is no valid {name} here'}")
    if isinstance(value, bool) or value not in allowed:
        listed = allowed if max_listed is None else allowed[:max_listed]
        more = " …" if len(listed) < len(allowed) else ""
        raise OptionError(f"unknown {name} {value!r}; valid: {', '.join(map(repr, listed))}{more}")
    return str(value)


def check_int(
    value: object, name: str, *, low: int | None = None, high: int | None = None, what: str = "an integer"
) -> int:
    """``value`` must be an integer (not a bool, not a float) with ``low <= value <= high``.

    Parameters
    ----------
    value : object
        The value given.
    name : str
        The option's name.
    low, high : int, optional
        Inclusive bounds; ``None`` leaves that side open.
    what : str
        What the number counts, for the message (``"a number of quotes"``).

    Returns
    -------
    int
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise OptionError(f"{name} must be {what}, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise OptionError(f"{name} must be {what} {_range(low, high)}, got {value!r}")
    return int(value)


def check_number(
    value: object,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    what: str = "a number",
) -> float:
    """``value`` must be a real number (int or float, not a bool) within the bounds.

    Parameters
    ----------
    value : object
        The value given.
    name : str
        The option's name.
    low, high : float, optional
        Bounds; ``high`` is inclusive, ``low`` inclusive unless ``low_open``.
    low_open : bool
        Exclude ``low`` itself (a share in (0, 1]).
    what : str
        What the number is, for the message.

    Returns
    -------
    float
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise OptionError(f"{name} must be {what}, got {value!r}")
    below = low is not None and (value <= low if low_open else value < low)
    if below or (high is not None and value > high):
        left = "(" if low_open else "["
        raise OptionError(f"{name} must be {what} in {left}{low}, {high}], got {value!r}")
    return float(value)


def _range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"from {low} to {high}"
    return f">= {low}" if low is not None else f"<= {high}"
