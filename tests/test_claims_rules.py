"""The claim rules at their boundaries, on a coding the test sets quote by quote.

Why separate from ``test_claims.py``: there the rules run on the real coding, where no claim sits
exactly on a threshold, so a ``>`` turned into ``>=`` or a threshold moved by a few hundredths
changes no verdict. Here every rule is given the count just below, at and just above its threshold
(theme against theme, «more than half», «at least N», the role-difference threshold, the «differs
little» tolerance of the survey claims), so each comparison operator and constant is pinned.

The world: the real corpus (section 4.4.1 prints four employer quotes U090–U093 and three union
quotes U094–U096) and a coding matrix of zeros in which the test marks the quotes it wants.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from _claim_rows import claim_row

from mdi_analysis.audit import _claims as claims
from mdi_analysis.audit import _claims_survey as survey_rules
from mdi_analysis.audit._claims_model import ROLE_DIFFERENCE, SMALL_DIFFERENCE
from mdi_analysis.corpus import load_corpus
from mdi_analysis.io import load_codebook

EMPLOYER = ["U090", "U091", "U092", "U093"]
UNION = ["U094", "U095", "U096"]
ALFA, BETA, GAMMA = "tema.lederskap", "tema.tidspress", "tema.kultur"


@pytest.fixture(scope="module")
def real() -> claims.AuditData:
    # The tests set the coding themselves: a matrix with every category is passed, so the corpus
    # is not coded (that takes seconds and would dominate a mutation-testing run).
    corpus = load_corpus()
    categories = load_codebook().categories["category_id"]
    matrix = pd.DataFrame(0, index=corpus.utterances["utterance_id"], columns=categories)
    return claims.load_audit_data(corpus=corpus, matrix=matrix)


def world(real: claims.AuditData, coded: dict[str, list[str]], *, match: str = "mention") -> claims.AuditData:
    """The real corpus with a coding in which exactly the quotes in ``coded`` carry each category."""
    matrix = real.coding_matrix.copy()
    for category, ids in coded.items():
        matrix.loc[ids, category] = 1
    themes = pd.DataFrame(
        {
            "theme": ["alfa", "beta", "gamma", "uten", "tom"],
            "category_ids": [ALFA, BETA, GAMMA, None, None],
            "match": [match, match, "stance", "none", "mention"],
            "limitation": [None, None, None, "no category", None],
        }
    ).astype({"theme": "string", "category_ids": "string", "match": "string", "limitation": "string"})
    return claims.AuditData(real.corpus, real.survey, real.sample, matrix, themes)


def verdict(data: claims.AuditData, **fields) -> claims.Verdict:
    return claims.evaluate_claim(claim_row(**fields), data)


# ------------------------------------------------------------------------------ theme vs theme


@pytest.mark.parametrize(
    ("alfa", "beta", "relation", "expected"),
    [
        (3, 1, "alfa > beta", "partly"),
        (1, 3, "alfa > beta", "contradicted"),
        (2, 2, "alfa > beta", "contradicted"),  # equal counts do not point either way: ">" is strict
        (1, 3, "alfa < beta", "partly"),
        (3, 1, "alfa < beta", "contradicted"),
        (2, 2, "alfa < beta", "contradicted"),
        (0, 0, "alfa > beta", "not_verifiable"),
    ],
)
def test_theme_against_theme_follows_the_counts(real, alfa, beta, relation, expected):
    data = world(real, {ALFA: EMPLOYER[:alfa], BETA: EMPLOYER[:beta]})
    result = verdict(data, relation=relation, kind="other")
    assert result.verdict == expected
    assert result.computed == f"alfa: {alfa} quote(s), beta: {beta} quote(s) of 4"
    assert ("point the same way" in result.reason) == (expected == "partly")


def test_theme_against_theme_counts_only_the_scoped_role(real):
    # Three union quotes coded beta do not count for an employer-scoped comparison.
    data = world(real, {ALFA: EMPLOYER[:1], BETA: UNION})
    assert verdict(data, relation="alfa > beta").verdict == "partly"
    assert verdict(data, relation="alfa > beta", scope_role="both").verdict == "contradicted"


def test_theme_against_a_theme_without_category_is_not_verifiable(real):
    data = world(real, {ALFA: EMPLOYER})
    result = verdict(data, relation="alfa > uten")
    assert result.verdict == "not_verifiable" and "'uten'" in result.reason


# ------------------------------------------------------------------------------ counts of mentions


@pytest.mark.parametrize(
    ("n_coded", "expected"),
    [(0, "not_verifiable"), (1, "partly"), (2, "partly"), (3, "agrees"), (4, "agrees")],
)
def test_more_than_half_needs_a_strict_majority(real, n_coded, expected):
    result = verdict(world(real, {ALFA: EMPLOYER[:n_coded]}), relation="> half")
    assert result.verdict == expected
    assert result.computed.startswith(f"{n_coded} of 4 arbeidsgiver quote(s) in scope coded {ALFA}")
    assert "more than half of 4" in result.reason


@pytest.mark.parametrize(
    ("relation", "n_coded", "expected"),
    [
        (">= 2", 0, "not_verifiable"),  # no keyword found: absence of keywords proves nothing
        (">= 2", 1, "partly"),  # one found: some evidence, not enough
        (">= 2", 2, "agrees"),
        (">= 2", 3, "agrees"),
        ("== 2", 2, "agrees"),
        ("== 2", 3, "partly"),
        ("== 2", 1, "partly"),
        ("== all", 4, "agrees"),
        ("== all", 3, "partly"),
    ],
)
def test_counts_of_mentions_at_their_boundaries(real, relation, n_coded, expected):
    result = verdict(world(real, {ALFA: EMPLOYER[:n_coded]}), relation=relation)
    assert result.verdict == expected
    need = {">= 2": "at least 2", "== 2": "exactly 2", "== all": "all 4"}[relation]
    assert f"(needs {need})" in result.reason


def test_none_claim_is_contradicted_by_one_mention(real):
    assert verdict(world(real, {}), relation="== 0").verdict == "agrees"
    result = verdict(world(real, {ALFA: EMPLOYER[:1]}), relation="== 0")
    assert result.verdict == "contradicted" and result.reason.startswith("1 quote(s) mention it")


@pytest.mark.parametrize(
    ("holds", "n_coded", "stance", "expected"),
    [
        (True, 3, False, "agrees"),
        (True, 3, True, "partly"),
        (False, 1, False, "partly"),
        (False, 0, False, "not_verifiable"),
        (False, 1, True, "not_verifiable"),
        (False, 0, True, "not_verifiable"),
    ],
)
def test_presence_verdict_never_turns_a_miss_into_a_contradiction(holds, n_coded, stance, expected):
    result = claims._presence_verdict("computed", holds, n_coded, "at least 2", stance, "; note: x")
    assert result.verdict == expected
    assert result.computed == "computed" and result.reason.endswith("; note: x")
    if n_coded or stance:
        assert f"{n_coded} quote(s)" in result.reason
    else:
        assert "finds no mention" in result.reason


def test_stance_claims_are_at_most_partly(real):
    data = world(real, {GAMMA: EMPLOYER})
    assert verdict(data, quantity="theme:gamma", relation="== all").verdict == "partly"
    assert verdict(data, quantity="theme:gamma", relation="== 0").verdict == "not_verifiable"


# ------------------------------------------------------------------------------ roles compared


def _shares(employer: tuple[int, int], union: tuple[int, int]) -> tuple[pd.DataFrame, pd.Series]:
    """Quotes and coding giving employer n of t and union n of t coded quotes."""
    roles = ["arbeidsgiver"] * employer[1] + ["tillitsvalgt"] * union[1]
    coded = [True] * employer[0] + [False] * (employer[1] - employer[0])
    coded += [True] * union[0] + [False] * (union[1] - union[0])
    quotes = pd.DataFrame({"role": roles})
    return quotes, pd.Series(coded, index=quotes.index)


@pytest.mark.parametrize(
    ("employer", "union", "differ"),
    [
        ((6, 25), (0, 1), False),  # shares 0.24 vs 0: below the threshold
        ((3, 4), (2, 4), True),  # 0.75 vs 0.50: exactly the threshold counts as a difference
        ((13, 50), (0, 1), True),  # 0.26 vs 0
        ((0, 1), (13, 50), True),  # the difference is taken in both directions
        ((0, 1), (6, 25), False),
    ],
)
def test_role_difference_threshold(employer, union, differ):
    assert ROLE_DIFFERENCE == 0.25
    quotes, coded = _shares(employer, union)
    unequal = claims._role_relation("arbeidsgiver != tillitsvalgt", quotes, coded, "x", "")
    equal = claims._role_relation("arbeidsgiver == tillitsvalgt", quotes, coded, "x", "")
    assert unequal.verdict == ("agrees" if differ else "contradicted")
    assert equal.verdict == ("contradicted" if differ else "agrees")
    assert "threshold for a difference 0.25" in unequal.reason


def test_role_more_than_is_strict_and_a_limitation_makes_it_partly():
    quotes, coded = _shares((2, 4), (1, 2))  # equal shares 0.5
    assert claims._role_relation("arbeidsgiver > tillitsvalgt", quotes, coded, "x", "").verdict == "contradicted"
    quotes, coded = _shares((3, 4), (1, 2))
    result = claims._role_relation("arbeidsgiver > tillitsvalgt", quotes, coded, "x", "")
    assert result.verdict == "agrees"
    assert result.computed == "arbeidsgiver: 3 of 4 quotes coded x; tillitsvalgt: 1 of 2 quotes coded x"
    assert result.reason.startswith("shares 0.75 (arbeidsgiver) vs 0.50 (tillitsvalgt)")
    assert claims._role_relation("tillitsvalgt > arbeidsgiver", quotes, coded, "x", "").verdict == "contradicted"
    limited = claims._role_relation("arbeidsgiver > tillitsvalgt", quotes, coded, "x", "only mentions")
    assert limited.verdict == "partly" and limited.reason.endswith("; note: only mentions")


def test_a_role_without_quotes_has_share_zero():
    quotes, coded = _shares((1, 4), (0, 0))
    result = claims._role_relation("arbeidsgiver > tillitsvalgt", quotes, coded, "x", "")
    assert result.verdict == "agrees" and "0.25 (arbeidsgiver) vs 0.00 (tillitsvalgt)" in result.reason


def test_role_claims_through_evaluate_claim(real):
    # 4.4.1: employer 3 of 4 (0.75), union 1 of 3 (0.33): a difference of 0.42.
    data = world(real, {ALFA: EMPLOYER[:3] + UNION[:1]})
    assert verdict(data, relation="arbeidsgiver != tillitsvalgt", scope_role="both").verdict == "agrees"
    assert verdict(data, relation="arbeidsgiver == tillitsvalgt", scope_role="both").verdict == "contradicted"
    assert verdict(data, relation="arbeidsgiver > tillitsvalgt", scope_role="both").verdict == "agrees"
    # a stance cannot be compared by mention shares, whatever they say
    stance = world(real, {GAMMA: EMPLOYER[:3]})
    result = verdict(stance, quantity="theme:gamma", relation="arbeidsgiver > tillitsvalgt", scope_role="both")
    assert result.verdict == "not_verifiable" and "compares stances" in result.reason


# ------------------------------------------------------------------------------ survey tolerance


@pytest.mark.parametrize(
    ("left", "right", "close"),
    [
        (4.0, 3.9, True),  # printed difference exactly one step: 4.0 - 3.9 is 0.10000000000000009 in floats
        (4.3, 4.2, True),
        (4.22, 4.12, True),
        (4.1, 4.1, True),
        (4.0, 3.89, False),  # just over one step
        (4.22, 4.11, False),
        (3.9, 4.01, False),
        (4.2, 4.0, False),
    ],
)
def test_differs_little_is_at_most_one_printed_step(left, right, close):
    assert SMALL_DIFFERENCE == 0.1
    assert survey_rules._OPS["~="](left, right) is close
    assert survey_rules._OPS["~="](right, left) is close
    assert survey_rules._unit_term_holds("A ~= NO", {"A": left, "NO": right}) is close


def test_differs_little_includes_its_own_bound():
    # The tolerance is one printed step plus a float margin, and the bound itself still "differs
    # little": a difference of exactly SMALL_DIFFERENCE + 1e-9 holds, one a billionth more does not.
    # Printed numbers never land on the bound, so only this pins "<=" against "<" (issue 17's
    # "tolerance made strict").
    bound = SMALL_DIFFERENCE + 1e-9
    assert survey_rules._OPS["~="](bound, 0.0) is True
    assert survey_rules._OPS["~="](0.0, bound) is True
    assert survey_rules._OPS["~="](SMALL_DIFFERENCE + 2e-9, 0.0) is False


@pytest.mark.parametrize(
    ("term", "holds"),
    [
        ("A == D", True),
        ("A == B", False),
        ("A > NO", True),
        ("NO > A", False),
        ("A > D", False),
        ("A >= D", True),
        ("B >= A", False),
        ("B < A", True),
        ("A < D", False),
        ("A <= D", True),
        ("A <= B", False),
        ("A:D > B", True),  # every unit on the left against every one on the right
        ("A:B > NO", False),
        ("A ~= D ~= NO", True),  # a chain holds when every link holds
        ("A ~= D > B", True),
        ("A ~= D > B ~= 3.8", False),
        ("A > 4.1", True),
        ("A > 4.2", False),
    ],
)
def test_survey_terms(term, holds):
    values = {"A": 4.2, "B": 4.0, "D": 4.2, "NO": 4.1}
    assert survey_rules._unit_term_holds(term, values) is holds


# ------------------------------------------------------------------------------ every other branch, exactly

ABOVE = {
    "kind": "quote_count",
    "quantity": "n_quotes",
    "checkable_from": "corpus",
    "scope": "above",
    "scope_sections": "4.1.9",
    "section_id": "4.1.9",
    "line_start": 3722,
    "scope_role": "tillitsvalgt",
}  # 4.1.9: four union quotes just above line 3722, five in the subsection
JUST_ABOVE = "4 tillitsvalgt quote(s) just above (of 4); 5 in all of 4.1.9"
REPRINTS = "links.csv pairs whose two printings stand in different subsections"


BRANCHES = [
    ({"quantity": "share:alfa"}, ("", "not_verifiable", "no keyword measure for share:alfa")),
    (
        {"relation": "varies"},
        ("", "not_verifiable", "«varies» describes differing answers; there is no count to check"),
    ),
    ({"quantity": "theme:uten"}, ("", "not_verifiable", "no category")),
    ({"quantity": "theme:tom"}, ("", "not_verifiable", "no codebook category for this theme")),
    (
        {"scope_sections": "9.9"},
        (
            "0 of 0 arbeidsgiver quote(s) in scope coded tema.lederskap",
            "not_verifiable",
            "no quotes of that role in scope",
        ),
    ),
    (
        {"relation": "<= 3"},
        (
            "2 of 4 arbeidsgiver quote(s) in scope coded tema.lederskap (U090, U091)",
            "not_verifiable",
            "relation '<= 3' is not evaluated for themes",
        ),
    ),
    ({"relation": "uten > alfa"}, ("", "not_verifiable", "no codebook category for theme 'uten'")),
    ({"relation": "tom < alfa"}, ("", "not_verifiable", "no codebook category for theme 'tom'")),
    (
        {**ABOVE, "expected": 4.0},
        (
            JUST_ABOVE,
            "agrees_above_only",
            "true of the 4 quotes since the author's previous comment, but 4.1.9 prints 5 tillitsvalgt quotes in all",
        ),
    ),
    (
        {**ABOVE, "expected": 5.0},
        (JUST_ABOVE, "partly", "the subsection has 5, but only 4 stand just above the statement"),
    ),
    (
        {**ABOVE, "expected": 3.0},
        (JUST_ABOVE, "contradicted", "the thesis states 3; its quotes give 4 just above and 5 in 4.1.9"),
    ),
    (
        {**ABOVE, "scope": "section", "expected": 5.0},
        ("5 tillitsvalgt quote(s) in 4.1.9", "agrees", "the thesis states 5, the subsection prints 5"),
    ),
    (
        {**ABOVE, "scope": "section", "scope_sections": "4.1.9;4.1.8", "expected": 4.0},
        ("5 tillitsvalgt quote(s) in 4.1.9", "contradicted", "the thesis states 4, the subsection prints 5"),
    ),
    (
        {**ABOVE, "checkable_from": "coding", "expected": 1.0},
        (
            "5 tillitsvalgt quote(s) in 4.1.9",
            "not_verifiable",
            "the statement is about what one particular quote says; the corpus confirms only how many "
            "tillitsvalgt quotes 4.1.9 has (5), not which of them says it",
        ),
    ),
    (
        {**ABOVE, "checkable_from": "coding", "scope_role": "both", "expected": 1.0},
        (
            "9 quote(s) in 4.1.9",
            "not_verifiable",
            "the statement is about what one particular quote says; the corpus confirms only how many "
            "quotes 4.1.9 has (9), not which of them says it",
        ),
    ),
    (
        {"checkable_from": "corpus", "quantity": "count:other"},
        ("", "not_verifiable", "no corpus measure for count:other"),
    ),
    (
        {"checkable_from": "corpus", "quantity": "count:repeated_answers"},
        ("8 quote(s) re-printed under another question", "agrees", REPRINTS),
    ),
]


@pytest.mark.parametrize(("fields", "expected"), BRANCHES)
def test_every_branch_gives_its_exact_verdict(real, fields, expected):
    result = verdict(world(real, {ALFA: EMPLOYER[:2]}), **fields)
    assert (result.computed, result.verdict, result.reason) == expected


#: The reason code of each of :data:`BRANCHES`, in order: one of the vocabulary for
#: ``not_verifiable`` (what a reader must do about it), empty for every other verdict.
BRANCH_CODES = [
    "needs_reading",  # no keyword measure
    "no_measure",  # «varies»
    "needs_reading",  # theme without a category, its limitation
    "needs_reading",  # theme without a category
    "respondents_not_quoted",  # no quotes of that role in scope
    "no_measure",  # a relation not evaluated for themes
    "needs_reading",  # theme comparison, first theme without a category
    "needs_reading",  # theme comparison, second theme without a category
    "",
    "",
    "",
    "",
    "",
    "needs_reading",  # one particular quote
    "needs_reading",  # one particular quote, both roles
    "not_in_data",  # no corpus measure
    "",
]


@pytest.mark.parametrize(
    ("fields", "code"), [(fields, code) for (fields, _), code in zip(BRANCHES, BRANCH_CODES, strict=True)]
)
def test_every_branch_gives_its_exact_reason_code(real, fields, code):
    assert verdict(world(real, {ALFA: EMPLOYER[:2]}), **fields).reason_code == code


def test_theme_comparison_that_does_not_hold_says_so(real):
    result = verdict(world(real, {ALFA: EMPLOYER[:1], BETA: EMPLOYER[:2]}), relation="alfa > beta")
    assert result.reason == "the counts point the other way; keyword mentions approximate the author's «focus»"
    result = verdict(world(real, {ALFA: EMPLOYER[:2], BETA: EMPLOYER[:1]}), relation="alfa > beta")
    assert result.reason == "the counts point the same way; keyword mentions approximate the author's «focus»"


def test_above_claims_need_the_commentary_spans(real):
    data = world(real, {})
    bare = dataclasses.replace(data, corpus=dataclasses.replace(data.corpus, commentary=None))
    result = verdict(bare, **ABOVE, expected=4.0)
    assert (result.computed, result.verdict) == ("5 tillitsvalgt quote(s) in 4.1.9", "not_verifiable")
    assert result.reason == "«ovennevnte» needs the author's comment spans (commentary.csv), which this corpus lacks"
    empty = dataclasses.replace(
        data, corpus=dataclasses.replace(data.corpus, commentary=data.corpus.commentary.head(0))
    )
    assert verdict(empty, **ABOVE, expected=4.0).verdict == "not_verifiable"


@pytest.mark.parametrize(("links", "expected"), [(1, "contradicted"), (2, "agrees"), (3, "agrees")])
def test_repeated_answers_need_at_least_two_reprints_across_subsections(real, links, expected):
    data = world(real, {})
    fewer = dataclasses.replace(data, corpus=dataclasses.replace(data.corpus, links=data.corpus.links.head(links)))
    result = verdict(fewer, checkable_from="corpus", quantity="count:repeated_answers")
    assert (result.computed, result.verdict, result.reason) == (
        f"{links} quote(s) re-printed under another question",
        expected,
        REPRINTS,
    )


# ------------------------------------------------------------------------------ sample counts and survey values

SAMPLE = {"checkable_from": "sample", "kind": "sample_count", "scope": "table"}
POSITIONS = "positions of employer respondents"


@pytest.mark.parametrize(
    ("quantity", "relation", "expected"),
    [
        (
            "count:unknown",
            "== 1",
            ("", "not_verifiable", "count:unknown is not in the published sample or survey data"),
        ),
        (
            "count:interviews",
            "varies",
            ("10", "not_verifiable", "«varies» has no count to check; one interview per respondent (3.5)"),
        ),
        ("count:interviews", "about 10", ("10", "not_verifiable", "relation 'about 10' is not evaluated for counts")),
        ("count:interviews", "== 10", ("10", "agrees", "one interview per respondent (3.5)")),
        ("count:interviews", "> 10", ("10", "contradicted", "one interview per respondent (3.5)")),
        ("count:municipalities_planning_innovation_strategy", "== 1", ("1", "agrees", "in 3.2: Hol")),
        ("count:municipalities_with_lean_projects", "== 1", ("1", "agrees", "in 3.2: Hol")),
    ],
)
def test_sample_counts_give_their_exact_verdict(real, quantity, relation, expected):
    result = verdict(real, quantity=quantity, relation=relation, **SAMPLE)
    assert (result.computed, result.verdict, result.reason) == expected


@pytest.mark.parametrize(
    ("relation", "expected"),
    [
        ("personalleder == 4 and rådmann == 1", "agrees"),
        ("personalleder == 4 and rådmann == 2", "partly"),  # one of two parts holds
        ("personalleder == 3 and rådmann == 2", "contradicted"),
        ("ordfører == 0", "agrees"),  # a position nobody holds counts 0
        ("ordfører >= 1", "contradicted"),
    ],
)
def test_counts_by_position_hold_part_by_part(real, relation, expected):
    result = verdict(real, quantity="count:arbeidsgiver_respondents", relation=relation, **SAMPLE)
    assert (result.verdict, result.reason) == (expected, POSITIONS)
    assert "personalleder 4, rådmann 1" in result.computed


def test_municipalities_are_found_by_their_stated_status_in_any_case(real):
    # The patterns are matched without regard to case ("LEAN", "Lean", "lean"); a municipality
    # without a stated status is not counted.
    municipalities = real.sample.municipalities.copy()
    municipalities["innovation_status"] = pd.array(
        ["Gol bruker Lean.", "Innovasjonsstrategi er vedtatt.", None, "lean-prosjekter", "Ingen."], dtype="string"
    )
    data = dataclasses.replace(real, sample=dataclasses.replace(real.sample, municipalities=municipalities), memo={})
    lean = verdict(data, quantity="count:municipalities_with_lean_projects", relation="== 2", **SAMPLE)
    assert (lean.computed, lean.verdict, lean.reason) == ("2", "agrees", "in 3.2: Gol, Ål")
    plan = verdict(data, quantity="count:municipalities_planning_innovation_strategy", relation="== 1", **SAMPLE)
    assert (plan.computed, plan.verdict, plan.reason) == ("1", "agrees", "in 3.2: Hemsedal")
    municipalities["innovation_status"] = pd.array([None] * 5, dtype="string")
    data = dataclasses.replace(real, sample=dataclasses.replace(real.sample, municipalities=municipalities), memo={})
    none = verdict(data, quantity="count:municipalities_with_lean_projects", relation="== 0", **SAMPLE)
    assert (none.computed, none.verdict, none.reason) == ("0", "agrees", "in 3.2: none")


SURVEY = {"checkable_from": "survey", "kind": "survey_value", "scope": "table"}
MESTRINGSTRO = "Mestringstro: A 4.3, B 4.2, D 4.3, NO 4.3"


@pytest.mark.parametrize(
    ("quantity", "relation", "expected"),
    [
        (
            "score:mestringstro",
            "A > 5 and B > 5",
            (MESTRINGSTRO, "contradicted", "A > 5 fails for Mestringstro; B > 5 fails for Mestringstro"),
        ),
        (
            "score:mestringstro",
            "A > 5 and B > 5 and D > 4",
            (MESTRINGSTRO, "partly", "A > 5 fails for Mestringstro; B > 5 fails for Mestringstro"),
        ),
        (
            "score:mestringstro",
            "A ~= B and A > 5",
            (MESTRINGSTRO, "partly", "A > 5 fails for Mestringstro (differs little = at most 0.1)"),
        ),
        (
            "score:mestringstro;score:selvstendighet",
            "A:B:D >= 4.0",
            (
                MESTRINGSTRO + "; Selvstendighet: A 4.3, B 4.2, D 4.3, NO 4.2",
                "agrees",
                "every part holds at printed precision",
            ),
        ),
    ],
)
def test_survey_values_give_their_exact_verdict(real, quantity, relation, expected):
    result = verdict(real, quantity=quantity, relation=relation, **SURVEY)
    assert (result.computed, result.verdict, result.reason) == expected


def test_survey_values_are_compared_as_printed(real):
    # Scores are compared as printed (one decimal), means too (two decimals): 4.26 is 4.3, and the
    # MDI mean (4.21 + 4.26 + 4.3 + 4.3 + 4.0) / 5 = 4.214 is 4.21; the ten-factor mean 4.227 is 4.23.
    scores = real.survey.scores.copy()
    a = scores["unit"] == "A"
    scores.loc[a & (scores["factor_no"] == 2), "score"] = 4.26  # Mestringstro
    scores.loc[a & (scores["factor_no"] == 1), "score"] = 4.21  # Oppgavemotivasjon
    data = dataclasses.replace(real, survey=dataclasses.replace(real.survey, scores=scores), memo={})
    score = verdict(data, quantity="score:mestringstro", relation="A == 4.3", **SURVEY)
    assert (score.computed, score.verdict) == (MESTRINGSTRO, "agrees")
    mean = verdict(data, quantity="mean_mdi_factors", relation="A == 4.21", **SURVEY)
    assert mean.verdict == "agrees" and mean.computed.startswith("mean of the five 4.6 factors: A 4.21,")
    ten = verdict(data, quantity="mean_all_factors", relation="A == 4.23", **SURVEY)
    assert ten.verdict == "agrees" and ten.computed.startswith("mean of all ten factors: A 4.23,")


def test_an_unknown_survey_quantity_is_named():
    with pytest.raises(ValueError, match=r"^unknown survey quantity 'score'$"):
        survey_rules._survey_values("score", None)


# ---------------------------------------------------------------------------- reason codes and caveats
# The helpers that write a reason code or a caveat no claim of the thesis reaches, called directly
# (found by the mutation run of issue 17).


def test_a_stance_with_too_few_mentions_needs_a_reading():
    verdict = claims._presence_verdict("c", False, 1, "at least 2", True, "; note: x")
    assert verdict == claims.Verdict(
        "c",
        "not_verifiable",
        "1 quote(s) mention the topic (needs at least 2); a stance is not detectable by keywords; note: x",
        "needs_reading",
    )


def test_presence_verdicts_branch_by_branch():
    assert claims._presence_verdict("c", True, 3, "2", False, "") == claims.Verdict(
        "c", "agrees", "3 quote(s) mention it (needs 2)"
    )
    assert claims._presence_verdict("c", True, 3, "2", True, "").verdict == "partly"
    assert claims._presence_verdict("c", False, 1, "2", False, "") == claims.Verdict(
        "c", "partly", "only 1 quote(s) mention it (needs 2)"
    )
    assert claims._presence_verdict("c", False, 0, "2", False, "") == claims.Verdict(
        "c",
        "not_verifiable",
        "the keyword coder finds no mention (needs 2); absence of keywords cannot refute it",
        "no_quote_found",
    )


def _quotes_and_coding(coded_employers: int, coded_union: int) -> tuple[pd.DataFrame, pd.Series]:
    roles = ["arbeidsgiver"] * 4 + ["tillitsvalgt"] * 4
    coded = [i < coded_employers for i in range(4)] + [i < coded_union for i in range(4)]
    return pd.DataFrame({"role": roles}), pd.Series(coded)


def test_a_role_comparison_without_a_limitation_has_no_note():
    quotes, coded = _quotes_and_coding(3, 1)
    verdict = claims._role_relation("arbeidsgiver > tillitsvalgt", quotes, coded, "X", "")
    assert verdict == claims.Verdict(
        "arbeidsgiver: 3 of 4 quotes coded X; tillitsvalgt: 1 of 4 quotes coded X",
        "agrees",
        f"shares 0.75 (arbeidsgiver) vs 0.25 (tillitsvalgt); threshold for a difference {ROLE_DIFFERENCE}",
    )


def test_a_role_comparison_with_a_limitation_is_partly_and_says_why():
    quotes, coded = _quotes_and_coding(3, 1)
    verdict = claims._role_relation("arbeidsgiver > tillitsvalgt", quotes, coded, "X", "keywords only")
    assert verdict.verdict == "partly"
    assert verdict.reason.endswith("; note: keywords only")
    assert claims._role_relation("tillitsvalgt > arbeidsgiver", quotes, coded, "X", "k").verdict == "contradicted"


def test_a_corpus_measure_the_corpus_has_not_is_not_in_data():
    claim = pd.Series({"quantity": "count:something_else"})
    assert claims._corpus_count(claim, None) == claims.Verdict(
        "", "not_verifiable", "no corpus measure for count:something_else", "not_in_data"
    )


def test_verdict_summary_counts_kind_by_verdict_with_zeros_and_sums():
    audited = pd.DataFrame({"kind": ["a", "a", "b"], "verdict": ["agrees", "partly", "agrees"]})
    table = claims.verdict_summary(audited)
    assert table.columns.name is None
    assert list(table.columns) == [*claims.VERDICTS, "Sum"]
    assert list(table.index) == ["a", "b", "Sum"]
    assert table.loc["a"].tolist() == [1, 0, 1, 0, 0, 2]
    assert table.loc["b"].tolist() == [1, 0, 0, 0, 0, 1]
    assert table.loc["Sum"].tolist() == [2, 0, 1, 0, 0, 3]


@pytest.mark.parametrize("verdict", claims.VERDICTS)
def test_verdict_summary_lists_every_verdict_even_when_nobody_got_it(verdict):
    table = claims.verdict_summary(pd.DataFrame({"kind": ["a"], "verdict": [verdict]}))
    assert table.loc["a", verdict] == 1
    assert int(table.loc["a", list(claims.VERDICTS)].sum()) == 1


# ---------------------------------------------------------------------------- the sample measures, exactly


def test_every_sample_measure_of_3_2_and_3_5_exactly(real):
    measures = {key: make() for key, make in survey_rules._sample_measures(real).items()}
    assert measures == {
        "count:interviews": (10.0, "one interview per respondent (3.5)"),
        "count:municipalities": (5.0, "rows of municipalities.csv"),
        "count:respondent_pairs": (5.0, "respondents per side: {'arbeidsgiver': 5.0, 'tillitsvalgt': 5.0}"),
        "count:arbeidsgiver_respondents": (
            {"personalleder": 4.0, "rådmann": 1.0},
            "positions of employer respondents",
        ),
        "count:tillitsvalgt_respondents": (
            {"Fagforbundet": 4.0, "Utdanningsforbundet": 1.0},
            "unions of union respondents",
        ),
        "count:survey_municipalities": (3.0, "survey units other than the reference"),
        "count:factors": (10.0, "rows of ks10_factors.csv"),
        "count:mdi_factors": (5.0, "factors marked mdi_relevant"),
        "count:municipalities_planning_innovation_strategy": (1.0, "in 3.2: Hol"),
        "count:municipalities_with_lean_projects": (1.0, "in 3.2: Hol"),
        "count:municipalities_innovation_active": (2.0, "innovation_focus ja or delvis: Hol, Ål"),
        "theme:innovasjonsstrategi": (
            0.0,
            "municipalities stated to have an innovation strategy (Hol plans one: Hol)",
        ),
        "theme:lean": (1.0, "in 3.2: Hol"),
        "theme:innovasjonsprogresjon": (3.0, "distinct innovation_focus values in 3.2: delvis 1, ja 1, nei 3"),
    }


def test_union_organisations_count_union_respondents_only(real):
    respondents = real.sample.respondents.copy()
    respondents.loc[respondents["side"] == "arbeidsgiver", "organisation"] = "KS"
    data = dataclasses.replace(real, sample=dataclasses.replace(real.sample, respondents=respondents), memo={})
    value, _ = survey_rules._sample_measures(data)["count:tillitsvalgt_respondents"]()
    assert value == {"Fagforbundet": 4.0, "Utdanningsforbundet": 1.0}


@pytest.mark.parametrize(("focus", "verdict"), [(["ja"] * 5, "contradicted"), (["ja"] * 4 + ["nei"], "agrees")])
def test_varies_holds_when_more_than_one_value_occurs(real, focus, verdict):
    municipalities = real.sample.municipalities.copy()
    municipalities["innovation_focus"] = pd.array(focus, dtype="string")
    sample = dataclasses.replace(real.sample, municipalities=municipalities)
    data = dataclasses.replace(real, sample=sample, memo={})
    result = survey_rules._count_claim(
        claim_row(kind="count", quantity="theme:innovasjonsprogresjon", relation="varies"), data
    )
    assert result.verdict == verdict
    assert result.reason.startswith("«varies» holds when more than one value occurs; distinct innovation_focus")


# ---------------------------------------------------------------------------- quote counts, themes, compound parts


@pytest.mark.parametrize(
    ("role", "computed", "confirms"),
    [
        ("both", "7 quote(s) in 4.4.1", "how many quotes 4.4.1 has (7)"),
        ("arbeidsgiver", "4 arbeidsgiver quote(s) in 4.4.1", "how many arbeidsgiver quotes 4.4.1 has (4)"),
    ],
)
def test_a_count_about_one_particular_quote_needs_a_reading(real, role, computed, confirms):
    claim = claim_row(kind="quote_count", quantity="n_quotes", relation="== 1", expected=1.0, scope_role=role)
    verdict = claims._quote_count(claim, real)
    assert verdict == claims.Verdict(
        computed,
        "not_verifiable",
        f"the statement is about what one particular quote says; the corpus confirms only {confirms}, "
        "not which of them says it",
        "needs_reading",
    )


@pytest.mark.parametrize(
    ("role", "expected", "computed", "verdict"),
    [
        ("both", 7.0, "7 quote(s) in 4.4.1", "agrees"),
        ("tillitsvalgt", 3.0, "3 tillitsvalgt quote(s) in 4.4.1", "agrees"),
        ("tillitsvalgt", 4.0, "3 tillitsvalgt quote(s) in 4.4.1", "contradicted"),
    ],
)
def test_a_count_of_a_subsections_quotes_names_the_role_unless_both(real, role, expected, computed, verdict):
    claim = claim_row(
        kind="quote_count",
        quantity="n_quotes",
        relation=f"== {int(expected)}",
        expected=expected,
        scope_role=role,
        checkable_from="corpus",
    )
    result = claims._quote_count(claim, real)
    assert (result.computed, result.verdict) == (computed, verdict)


def test_an_above_count_without_comment_spans_is_not_in_the_data(real):
    corpus = dataclasses.replace(real.corpus, commentary=None)
    data = dataclasses.replace(real, corpus=corpus, memo={})
    claim = claim_row(
        kind="quote_count", quantity="n_quotes", relation="== 4", expected=4.0, scope="above", checkable_from="corpus"
    )
    verdict = claims._quote_count(claim, data)
    assert verdict == claims.Verdict(
        "4 arbeidsgiver quote(s) in 4.4.1",
        "not_verifiable",
        "«ovennevnte» needs the author's comment spans (commentary.csv), which this corpus lacks",
        "not_in_data",
    )


def test_a_theme_without_codebook_categories_needs_a_reading(real):
    extra = pd.DataFrame([{"theme": "tom", "category_ids": pd.NA, "match": "none", "limitation": pd.NA}])
    themes = pd.concat([real.themes, extra], ignore_index=True)
    data = dataclasses.replace(real, themes=themes, memo={})
    for relation in ("tom > alfa", "ukjent > alfa"):
        name = relation.split()[0]
        verdict = claims._theme_comparison(claim_row(kind="theme_comparison", relation=relation), data)
        assert verdict == claims.Verdict(
            "", "not_verifiable", f"no codebook category for theme {name!r}", "needs_reading"
        )


def test_a_theme_marked_none_needs_a_reading_even_with_categories(real):
    first = real.themes.iloc[0]
    marked = real.themes.copy()
    marked.loc[0, "match"] = "none"
    data = dataclasses.replace(real, themes=marked, memo={})
    claim = claim_row(kind="theme_comparison", relation=f"{first['theme']} > alfa")
    assert claims._theme_comparison(claim, data).reason == f"no codebook category for theme {first['theme']!r}"


@pytest.mark.parametrize(
    ("relation", "parts"),
    [
        ("A:B:D == NO", ["A == NO", "B == NO", "D == NO"]),
        ("A:B == NO and C:D > NO", ["A == NO", "B == NO", "C > NO", "D > NO"]),
        ("A == B == D", ["A == B == D"]),
        ("a:b == 3", ["a:b == 3"]),
        ("A:B == NO NO", ["A:B == NO NO"]),
        ("A == NO and B > 3", ["A == NO", "B > 3"]),
    ],
)
def test_compound_parts_split_and_and_a_unit_list_on_the_left(relation, parts):
    assert survey_rules._compound_parts(relation) == parts


# ---------------------------------------------------------------------------- theme claims, whole verdicts


THEME_CASES = [
    (
        {"quantity": "theme:gamma", "relation": "arbeidsgiver > tillitsvalgt"},
        claims.Verdict(
            "arbeidsgiver: 1 of 4 quotes coded tema.kultur; tillitsvalgt: 0 of 3 quotes coded tema.kultur",
            "not_verifiable",
            "the statement compares stances; mention shares cannot show them (shares 0.25 (arbeidsgiver) vs "
            "0.00 (tillitsvalgt); threshold for a difference 0.25)",
            "needs_reading",
        ),
    ),
    (
        {"quantity": "theme:alfa", "relation": "tillitsvalgt > arbeidsgiver"},
        claims.Verdict(
            "arbeidsgiver: 2 of 4 quotes coded tema.lederskap; tillitsvalgt: 0 of 3 quotes coded tema.lederskap",
            "contradicted",
            "shares 0.00 (tillitsvalgt) vs 0.50 (arbeidsgiver); threshold for a difference 0.25",
        ),
    ),
    (
        {"quantity": "theme:gamma", "relation": "== 0"},
        claims.Verdict(
            "1 of 4 arbeidsgiver quote(s) in scope coded tema.kultur (U090)",
            "not_verifiable",
            "1 quote(s) talk about it, but a mention cannot show the absence the statement claims",
            "needs_reading",
        ),
    ),
    (
        {"quantity": "theme:beta", "relation": "== 0"},
        claims.Verdict(
            "0 of 4 arbeidsgiver quote(s) in scope coded tema.tidspress",
            "agrees",
            "no quote in scope uses the category's words (keyword absence: read the quotes to be sure)",
        ),
    ),
    (
        {"quantity": "theme:alfa", "relation": "== 0", "scope_role": "both"},
        claims.Verdict(
            "2 of 7 quote(s) in scope coded tema.lederskap (U090, U091)", "contradicted", "2 quote(s) mention it"
        ),
    ),
    (
        {"quantity": "theme:delta", "relation": ">= 1"},
        claims.Verdict(
            "2 of 4 arbeidsgiver quote(s) in scope coded tema.lederskap+tema.tidspress (U090, U091)",
            "agrees",
            "2 quote(s) mention it (needs at least 1); note: keywords only",
        ),
    ),
    (
        {"quantity": "theme:delta", "relation": "arbeidsgiver > tillitsvalgt"},
        claims.Verdict(
            "arbeidsgiver: 2 of 4 quotes coded tema.lederskap+tema.tidspress; tillitsvalgt: 0 of 3 quotes coded "
            "tema.lederskap+tema.tidspress",
            "partly",
            "shares 0.50 (arbeidsgiver) vs 0.00 (tillitsvalgt); threshold for a difference 0.25; note: keywords only",
        ),
    ),
]


@pytest.mark.parametrize(("fields", "expected"), THEME_CASES)
def test_theme_claims_give_their_whole_verdict(real, fields, expected):
    data = world(real, {ALFA: EMPLOYER[:2], GAMMA: EMPLOYER[:1]})
    themes = data.themes.copy()
    themes.loc[len(themes)] = ["delta", f"{ALFA};{BETA}", "mention", "keywords only"]  # two categories, a limitation
    assert verdict(dataclasses.replace(data, themes=themes, memo={}), **fields) == expected


def test_quotes_missing_from_the_coding_matrix_are_not_coded(real):
    data = world(real, {ALFA: EMPLOYER[:2]})
    partial = dataclasses.replace(data, coding_matrix=data.coding_matrix.drop(index=EMPLOYER[2:]), memo={})
    result = verdict(partial, quantity="theme:alfa", relation="== all")
    assert result.computed == "2 of 4 arbeidsgiver quote(s) in scope coded tema.lederskap (U090, U091)"
    assert result.verdict == "partly"


# ---------------------------------------------------------------------------- routing and universality


@pytest.mark.parametrize(
    ("fields", "verdict_name", "code"),
    [
        ({"checkable_from": "no"}, "not_verifiable", "unpublished_material"),
        ({"subject": "not_published"}, "not_verifiable", "unpublished_material"),
        # a quote count of another quantity is a theme claim, not a count of the subsection's quotes
        ({"kind": "quote_count", "quantity": "theme:alfa", "relation": ">= 1"}, "agrees", ""),
        # a corpus claim that is no count goes to the theme rules
        ({"checkable_from": "corpus", "quantity": "theme:alfa", "relation": ">= 1"}, "agrees", ""),
    ],
)
def test_evaluate_claim_sends_each_claim_to_its_rule(real, fields, verdict_name, code):
    result = verdict(world(real, {ALFA: EMPLOYER[:2]}), **fields)
    assert (result.verdict, result.reason_code) == (verdict_name, code)
    if code == "unpublished_material":
        assert result == claims.Verdict(
            "", "not_verifiable", "rests on interviews, transcripts or records the thesis does not publish", code
        )
    else:
        assert result.computed.startswith("2 of 4 arbeidsgiver quote(s) in scope coded tema.lederskap")


@pytest.mark.parametrize(
    ("relation", "text", "universal"),
    [
        ("== all", "", True),
        ("> half", "", True),
        ("== 0", "", True),
        (">= 1", "", False),
        (">= 1", "Alle sa det.", True),
        (" == all ", "", True),
    ],
)
def test_universal_statements_are_all_half_none_or_say_so(relation, text, universal):
    from mdi_analysis.audit import _verdict_rules as rules

    assert rules.is_universal(claim_row(relation=relation, text=text)) is universal


@pytest.mark.parametrize(
    ("quantity", "relation", "verdict_name", "code"),
    [
        ("count:unknown", "== 1", "not_verifiable", "not_in_data"),
        ("count:interviews", "varies", "not_verifiable", "no_measure"),
        ("count:interviews", "about 10", "not_verifiable", "no_measure"),
        ("count:interviews", "== 11", "contradicted", ""),  # a count of the tables, not of the profiles
        # the profiles of 3.2 name one municipality with lean projects: fewer is silence, not absence
        ("count:municipalities_with_lean_projects", "== 2", "not_verifiable", "municipality_not_identifiable"),
        ("count:municipalities_with_lean_projects", ">= 2", "not_verifiable", "municipality_not_identifiable"),
        ("count:municipalities_with_lean_projects", "> 1", "contradicted", ""),  # as many as named: not more
        ("count:municipalities_with_lean_projects", "<= 0", "contradicted", ""),
        ("count:municipalities_with_lean_projects", "== 1", "agrees", ""),
    ],
)
def test_sample_counts_give_their_exact_reason_code(real, quantity, relation, verdict_name, code):
    result = verdict(real, quantity=quantity, relation=relation, **SAMPLE)
    assert (result.verdict, result.reason_code) == (verdict_name, code)


def test_a_theme_comparison_where_neither_theme_is_found(real):
    result = verdict(world(real, {}), relation="alfa > beta")
    assert result == claims.Verdict(
        "alfa: 0 quote(s), beta: 0 quote(s) of 4",
        "not_verifiable",
        "the keyword coder finds neither theme in scope",
        "no_quote_found",
    )


def test_a_theme_marked_none_is_not_coded_even_with_categories(real):
    data = world(real, {ALFA: EMPLOYER[:2]})
    themes = data.themes.copy()
    themes.loc[len(themes)] = ["ingen", ALFA, "none", pd.NA]
    result = verdict(dataclasses.replace(data, themes=themes, memo={}), quantity="theme:ingen")
    assert result == claims.Verdict("", "not_verifiable", "no codebook category for this theme", "needs_reading")


# ---------------------------------------------------------------------------- «ovennevnte»: the run of quotes above


@pytest.fixture()
def spans(real) -> claims.Corpus:
    """Subsection 9.9: quotes Q1 (lines 1–2), comment C1 (10–12), Q2 (13–14), Q3 (15–19), comment C2
    (20–25), Q4 (26–27); comments and quotes never share a line, as the extractor cuts them."""
    quotes = pd.DataFrame(
        {
            "utterance_id": ["Q1", "Q2", "Q3", "Q4"],
            "section_id": ["9.9"] * 4,
            "line_start": [1, 13, 15, 26],
            "line_end": [2, 14, 19, 27],
        }
    )
    comments = pd.DataFrame({"section_id": ["9.9", "9.9"], "line_start": [10, 20], "line_end": [12, 25]})
    return dataclasses.replace(real.corpus, utterances=quotes, commentary=comments)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (20, ["Q2", "Q3"]),  # the first line of comment C2: the quotes since C1
        (22, ["Q2", "Q3"]),  # inside C2
        (25, ["Q2", "Q3"]),  # the last line of C2
        (10, ["Q1"]),  # C1 has no comment before it: every quote from the top of the subsection
        (30, ["Q4"]),  # a line after every comment: the quotes since C2
    ],
)
def test_quotes_above_are_the_run_since_the_previous_comment(spans, line, expected):
    assert claims.quotes_above(spans, "9.9", line)["utterance_id"].tolist() == expected


def test_quotes_above_need_comment_spans(spans):
    empty = dataclasses.replace(spans, commentary=spans.commentary.head(0))
    for corpus in (empty, dataclasses.replace(spans, commentary=None)):
        with pytest.raises(ValueError, match=r"^the corpus has no commentary spans \(commentary\.csv\)"):
            claims.quotes_above(corpus, "9.9", 20)
