"""Claims about the survey (KS 10-faktor) and the sample, recomputed from their tables.

Why apart: these rules compare printed numbers at printed precision (``~=`` means "differs little",
at most :data:`SMALL_DIFFERENCE`) and never look at a quote; the quote and theme rules in
:mod:`._claims` never look at a score.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable

import pandas as pd

from ..io import Sample, round_half_up
from ..io import factor_table as survey_factor_table
from ._claims_model import SMALL_DIFFERENCE, UNITS, AuditData, Verdict

# ------------------------------------------------------------------------------------- survey


def _format_units(values: dict[str, float], decimals: int) -> str:
    return ", ".join(f"{u} {v:.{decimals}f}" for u, v in values.items())


def _survey_values(quantity: str, data: AuditData) -> dict[str, dict[str, float]]:
    """{label: {unit: value}} at printed precision, for each quantity in ``quantity``."""

    def factor_table(factors: str | list[str], mean_row: bool = True) -> pd.DataFrame:
        key = ("factor_table", str(factors), mean_row)
        return data.remembered(key, lambda: survey_factor_table(data.survey, factors, list(UNITS), mean_row=mean_row))

    values: dict[str, dict[str, float]] = {}
    for part in quantity.split(";"):
        if part == "mean_mdi_factors":
            table = factor_table("mdi")
            values["mean of the five 4.6 factors"] = {u: round_half_up(v, 2) for u, v in zip(UNITS, table.iloc[-1])}
        elif part == "mean_all_factors":
            table = factor_table("all")
            values["mean of all ten factors"] = {u: round_half_up(v, 2) for u, v in zip(UNITS, table.iloc[-1])}
        elif part.startswith("score:"):
            factor = part.split(":", 1)[1]
            chosen = "all" if factor == "*" else [factor]
            table = factor_table(chosen, mean_row=False)
            for name, row in table.iterrows():
                values[str(name)] = {u: round_half_up(v, 1) for u, v in zip(UNITS, row)}
        else:
            raise ValueError(f"unknown survey quantity {part!r}")
    return values


_OPS: dict[str, Callable[[float, float], bool]] = {
    "==": lambda a, b: abs(a - b) < 1e-9,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
    "~=": lambda a, b: abs(a - b) <= SMALL_DIFFERENCE + 1e-9,
}


def _operand(token: str, values: dict[str, float]) -> list[float]:
    if re.fullmatch(r"[A-Z]{1,2}(:[A-Z]{1,2})*", token):
        return [values[u] for u in token.split(":")]
    return [float(token)]


def _unit_term_holds(term: str, values: dict[str, float]) -> bool:
    tokens = term.split()
    operands, ops = tokens[0::2], tokens[1::2]
    for left, op, right in zip(operands, ops, operands[1:]):
        if not all(_OPS[op](a, b) for a in _operand(left, values) for b in _operand(right, values)):
            return False
    return True


def _compound_parts(relation: str) -> list[str]:
    """The parts a reader checks one by one: ``and`` splits, and a unit list on the left
    (``A:B:D == NO``) is one comparison per unit.

    Why: «A, B and D score like Norway» is three comparisons; when two of three hold the statement
    is ``partly`` right, not ``contradicted`` (C115). A chain (``A == B == D``) stays one part.
    """
    parts: list[str] = []
    for term in (t.strip() for t in relation.split(" and ")):
        tokens = term.split()
        if len(tokens) == 3 and ":" in tokens[0] and re.fullmatch(r"[A-Z]{1,2}(:[A-Z]{1,2})+", tokens[0]):
            parts += [f"{unit} {tokens[1]} {tokens[2]}" for unit in tokens[0].split(":")]
        else:
            parts.append(term)
    return parts


def _survey_claim(claim: pd.Series, data: AuditData) -> Verdict:
    quantity = str(claim["quantity"])
    if quantity.startswith("count:"):
        return _count_claim(claim, data)
    values = _survey_values(quantity, data)
    terms = _compound_parts(str(claim["relation"]))
    results = {
        (label, term): _unit_term_holds(term, unit_values) for label, unit_values in values.items() for term in terms
    }
    decimals = 2 if quantity.startswith("mean") else 1
    computed = "; ".join(f"{label}: " + _format_units(unit_values, decimals) for label, unit_values in values.items())
    held = sum(results.values())
    failed = [f"{term} fails for {label}" for (label, term), ok in results.items() if not ok]
    if held == len(results):
        verdict, reason = "agrees", "every part holds at printed precision"
    elif held == 0:
        verdict, reason = "contradicted", "; ".join(failed)
    else:
        verdict, reason = "partly", "; ".join(failed)
    if quantity == "mean_mdi_factors":
        ten = _survey_values("mean_all_factors", data)["mean of all ten factors"]
        if all(_unit_term_holds(t, ten) for t in terms) != (verdict == "agrees"):
            reason += "; over all ten factors the result differs: " + _format_units(ten, 2)
    if "~=" in str(claim["relation"]):
        reason += f" (differs little = at most {SMALL_DIFFERENCE})"
    return Verdict(computed, verdict, reason)


# ------------------------------------------------------------------------------------- sample


def _mentions(sample: Sample, pattern: str) -> list[str]:
    found = sample.municipalities["innovation_status"].str.contains(pattern, case=False, regex=True)
    return sample.municipalities.loc[found.fillna(False).astype(bool), "municipality"].tolist()


def _sample_measures(data: AuditData) -> dict[str, Callable[[], tuple[float | dict[str, float], str]]]:
    sample, survey = data.sample, data.survey
    respondents = sample.respondents

    def by_key(column: str, side: str | None = None) -> dict[str, float]:
        """Respondents counted by ``column``, of one side only when ``side`` is given."""
        rows = respondents if side is None else respondents[respondents["side"] == side]
        return rows.groupby(column)["count"].sum().astype(float).to_dict()

    municipalities_with = lambda pattern: (  # noqa: E731
        float(len(_mentions(sample, pattern))),
        "in 3.2: " + (", ".join(_mentions(sample, pattern)) or "none"),
    )
    return {
        "count:interviews": lambda: (float(respondents["count"].sum()), "one interview per respondent (3.5)"),
        "count:municipalities": lambda: (float(len(sample.municipalities)), "rows of municipalities.csv"),
        "count:respondent_pairs": lambda: (
            float(min(by_key("side").values())),
            "respondents per side: " + str(by_key("side")),
        ),
        "count:arbeidsgiver_respondents": lambda: (
            by_key("position", "arbeidsgiver"),
            "positions of employer respondents",
        ),
        "count:tillitsvalgt_respondents": lambda: (
            by_key("organisation", "tillitsvalgt"),
            "unions of union respondents",
        ),
        "count:survey_municipalities": lambda: (
            float((~survey.units["is_reference"]).sum()),
            "survey units other than the reference",
        ),
        "count:factors": lambda: (float(len(survey.factors)), "rows of ks10_factors.csv"),
        "count:mdi_factors": lambda: (float(survey.factors["mdi_relevant"].sum()), "factors marked mdi_relevant"),
        "count:municipalities_planning_innovation_strategy": lambda: municipalities_with(r"innovasjonsstrategi"),
        "count:municipalities_with_lean_projects": lambda: municipalities_with(r"\bLEAN"),
        "count:municipalities_innovation_active": lambda: (
            float(sample.municipalities["innovation_focus"].isin(["ja", "delvis"]).sum()),
            "innovation_focus ja or delvis: "
            + ", ".join(
                sample.municipalities.loc[
                    sample.municipalities["innovation_focus"].isin(["ja", "delvis"]), "municipality"
                ]
            ),
        ),
        "theme:innovasjonsstrategi": lambda: (
            float(len(_mentions(sample, r"har (?:en|vedtatt) innovasjonsstrategi"))),
            "municipalities stated to have an innovation strategy (Hol plans one: "
            + ", ".join(_mentions(sample, "innovasjonsstrategi"))
            + ")",
        ),
        "theme:lean": lambda: municipalities_with(r"\bLEAN"),
        "theme:innovasjonsprogresjon": lambda: (
            float(sample.municipalities["innovation_focus"].nunique()),
            "distinct innovation_focus values in 3.2: "
            + ", ".join(
                f"{k} {v}" for k, v in sample.municipalities["innovation_focus"].value_counts().sort_index().items()
            ),
        ),
    }


#: Counts of municipalities whose 3.2 profile *mentions* something: the profiles are short, so a
#: municipality they do not name may still do it (silence), and the quotes that report it are
#: anonymised by municipality. A shortfall is therefore not a contradiction (C095, C096, C126).
PROFILE_MENTIONS = frozenset(
    {
        "count:municipalities_planning_innovation_strategy",
        "count:municipalities_with_lean_projects",
        "theme:lean",
    }
)


#: Measures that count distinct values, so «varies» can be checked: it holds when there is more than one.
VARIETY_MEASURES = frozenset({"theme:innovasjonsprogresjon"})


def _count_claim(claim: pd.Series, data: AuditData) -> Verdict:
    quantity = str(claim["quantity"])
    measures = _sample_measures(data)
    if quantity not in measures:
        return Verdict("", "not_verifiable", f"{quantity} is not in the published sample or survey data", "not_in_data")
    value, evidence = measures[quantity]()
    relation = str(claim["relation"]).strip()
    if isinstance(value, dict):
        terms = [t.strip() for t in relation.split(" and ")]
        held = []
        for term in terms:
            key, op, number = term.split(" ")
            held.append(_OPS[op](value.get(key, 0.0), float(number)))
        computed = ", ".join(f"{k} {v:g}" for k, v in value.items())
        verdict = "agrees" if all(held) else ("partly" if any(held) else "contradicted")
        return Verdict(computed, verdict, evidence)
    if relation == "varies" and quantity in VARIETY_MEASURES:
        verdict = "agrees" if value > 1 else "contradicted"
        return Verdict(f"{value:g}", verdict, f"«varies» holds when more than one value occurs; {evidence}")
    if relation == "varies":
        return Verdict(f"{value:g}", "not_verifiable", "«varies» has no count to check; " + evidence, "no_measure")
    match = re.fullmatch(r"(==|>=|<=|>|<) (\d+(?:\.\d+)?)", relation)
    if not match:
        return Verdict(
            f"{value:g}", "not_verifiable", f"relation {relation!r} is not evaluated for counts", "no_measure"
        )
    op, number = match.group(1), float(match.group(2))
    holds = _OPS[op](value, number)
    if not holds and quantity in PROFILE_MENTIONS and value < number and op in ("==", ">=", ">"):
        return Verdict(
            f"{value:g}",
            "not_verifiable",
            f"{evidence}; the profiles of 3.2 name fewer, but a profile's silence is no evidence of absence "
            "and the quotes cannot be tied to a municipality",
            "municipality_not_identifiable",
        )
    return Verdict(f"{value:g}", "agrees" if holds else "contradicted", evidence)
