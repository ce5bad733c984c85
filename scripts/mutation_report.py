"""Scores and surviving mutants from mutmut's results in ``mutants/``, as Markdown.

Why a script: ``mutmut results`` lists names only; the survivors document needs each mutant's
changed line and the reason it stays (equivalent, or behaviour no test pins), and the score table
needs the counts per module. The reasons are kept here (``REASONS``), next to the rule that matches
them, so a rerun regenerates the document instead of someone copying lines by hand.

Usage::

    .venv/bin/python scripts/mutation_report.py scores [MODULE_PREFIX ...]
    .venv/bin/python scripts/mutation_report.py survivors [MODULE_PREFIX ...]

A survivor that an earlier version of ``docs/mutation-survivors.md`` classified keeps that class
and reason (the earlier classes E1, E2, E3, S, L, N are explained there).

``MODULE_PREFIX`` is e.g. ``privacy`` or ``stats/_keyness``; default: every mutated module.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import sys
from collections import Counter
from pathlib import Path

MUTANTS = Path("mutants/src/mdi_analysis")

#: (module, regular expression over "name: - old → + new", class, reason). The first match wins.
#: E = equivalent (no input can tell the mutant from the original), L = behaviour no test pins.
REASONS: list[tuple[str, str, str, str]] = [
    (
        "privacy/_numbers",
        r'"XX0047XX"',
        "E",
        "the pattern reads 0047 as the country-code prefix (cc47) first, so the keyword path never sees it",
    ),
    (
        "privacy/_numbers",
        r'x__bare_phone__mutmut_\d+: - digits = "".join\(groups\) → \+ digits = "XXXX"',
        "E",
        "only digits[0] and, for a single group, the group itself are used; the joiner never appears",
    ),
    ("privacy/_numbers", r'"XX23456789XX"', "E", "a digit is never an X: the set of first digits is unchanged"),
    (
        "privacy/_numbers",
        r"kinds < \{",
        "E",
        "with exactly one kind, a subset of the three separators is always a proper subset",
    ),
    (
        "privacy/_numbers",
        r"separators < _GROUP_SEPARATORS",
        "E",
        "eight digits in groups of 2-4 have at most four groups, three separators: never all four kinds",
    ),
    (
        "privacy/_identifiers",
        r'\.rindex\("@"\)',
        "E",
        "a candidate address holds one @ (neither part of the pattern admits another)",
    ),
    (
        "privacy/_identifiers",
        r"\[at - 1 :\]|\[at \+ 2 :\]",
        "E",
        "the piece before the first dot is dropped ([1:]) whatever the slice starts with",
    ),
    (
        "privacy/_names",
        r"x__caps__mutmut_\d+: .*len\(word\) >= 1",
        "E",
        "tokens and trigger names have at least two letters",
    ),
    (
        "stats/_keyness",
        r"np\.errstate",
        "E",
        "numpy's floating-point warning state only decides whether a warning is shown",
    ),
    (
        "stats/_agreement",
        r"np\.errstate",
        "E",
        "numpy's floating-point warning state only decides whether a warning is shown",
    ),
    (
        "privacy/",
        r"if digits or |word not in folded|key not in text|w not in segment|\) or True$|"
        r'"unicipal" not in folded|if \(letters\) or True',
        "E",
        "a cheap pre-test made looser: the pattern after it decides alone (only speed changes)",
    ),
    ("stats/_agreement", r'float\("NAN"\)', "E", "float('NAN') is the same nan"),
    (
        "stats/_agreement",
        r"(assigned|support) >= 0|assigned > 1,|np\.maximum\(support \+ assigned, 2\)",
        "E",
        "hits is 0 wherever the denominator is 0 (or support + assigned is 1): the ratio is 0 either way",
    ),
    ("stats/_agreement", r'"RI,RI->R"', "E", "upper-case einsum subscripts are labels as valid as lower-case ones"),
    (
        "stats/_agreement",
        r"expected <= 1\.0|expected < 2\.0",
        "E",
        "expected is at most 1, and 0/0 under np.errstate is nan",
    ),
    ("stats/_agreement", r"integers\(n, size", "E", "integers(n) draws from 0 to n, as integers(0, n)"),
    ("stats/_agreement", r"np\.full\(n_resamples, None\)", "E", "diff is not read when there is no comparison"),
    (
        "audit/",
        r"\.split\(None\)",
        "E",
        "the relations of claims.csv are written with single spaces, where split() and split(' ') agree",
    ),
    (
        "audit/_claims",
        r"x_quotes_above__mutmut_\d+: .*(comments\[\"line_start\"\] < line|comments\[\"line_end\"\] > line"
        r"|\(len\(holding\)\) and False|comments\[\"line_end\"\] <= block_start|quotes\[\"line_start\"\] >= floor"
        r"|quotes\[\"line_end\"\] <= block_start)",
        "E",
        "a quote never shares a line with a comment span, nor do two spans (the extractor cuts them apart): "
        "a run found from a comment's first line or from inside it is the same run",
    ),
    (
        "audit/_claims",
        r"x_quotes_above__mutmut_\d+: .*corpus\.commentary if \(corpus\.commentary is not None\) or True",
        "E",
        "a missing commentary is None either way, and None is refused on the next line",
    ),
    (
        "audit/_claims",
        r"x__coded__mutmut_\d+: .*\.fillna\(None\)",
        "E",
        "a quote missing from the matrix stays NaN, and NaN > 0 is false like 0 > 0",
    ),
    (
        "audit/_claims",
        r"x__theme_comparison__mutmut_\d+: .*_theme\(None, data, name\)",
        "E",
        "with a theme name given, _theme does not read the claim",
    ),
    (
        "audit/_claims_survey",
        r"x__mentions__mutmut_\d+: .*(case=None|case=False, \))",
        "E",
        "case=None is false like False; regex=True is pandas' default",
    ),
    (
        "audit/_claims_survey",
        r'x__sample_measures__mutmut_\d+: .*(astype\(None\)|r"\\blean"|"INNOVASJONSSTRATEGI"|r"INNOVASJONSSTRATEGI")',
        "E",
        "the patterns are matched without regard to case; the sums are floats either way",
    ),
    (
        "audit/_evidence",
        r"x__agreement__mutmut_\d+: - wanted = related\.get\(claim_id, set\(\)\)",
        "E",
        "the held-out claims are the claims of the reading, so each has its entry",
    ),
    ("audit/_claims_survey", r'"XXfactor_tableXX"|"FACTOR_TABLE"', "E", "a memo key: any fixed string does"),
    ("audit/_claims_survey", r'split\(":", \)|rsplit\(":", 1\)|split\(":", 2\)', "E", "factor ids hold no colon"),
    ("audit/_claims_survey", r"list\(UNITS\)", "E", "the default units are A, B, D, NO: UNITS"),
    ("", r"mean_row=None", "E", "None is false like False"),
    (
        "coding/_negation",
        r"in_scope = None",
        "E",
        "None and … is None, which the boolean array (dtype=bool) stores as False, as it stores False",
    ),
    (
        "coding/_negation",
        r"previous_end = 1",
        "E",
        "before the first token the scope is closed anyway: a boundary found there or not changes nothing",
    ),
    (
        "coding/",
        r"strict=(None|False)\)|\], \):$|\.tolist\(\), \):$",
        "E",
        "the sequences zipped are columns of one table (arrays of one run): always the same length",
    ),
    (
        "coding/_negation",
        r'texts\.get\(utterance_id, (None|"XXXX"|)\)',
        "E",
        "a hit whose text is missing: no tokens (None) or tokens without a cue (XXXX); not negated either way",
    ),
    (
        "coding/",
        r"\.to_numpy\(\), \)\)$",
        "E",
        "the sequences zipped are columns of one table (arrays of one run): always the same length",
    ),
    (
        "coding/_patterns",
        r"tokenize\(chunk\.(rstrip\(None\)|lstrip\(PREFIX_MARK\))\)",
        "E",
        "the tokenizer drops the '*' wherever it stands; the chunk's prefix flag is read before",
    ),
    (
        "coding/_patterns",
        r'to_dict\("RECORDS"\)',
        "E",
        "pandas reads the orient of to_dict case-insensitively",
    ),
    (
        "audit/_verdict_rules",
        r'x_from_evidence__mutmut_\d+: .*right_index=True, how="inner"\) → .*right_index=True, \)',
        "E",
        "pandas merges inner by default",
    ),
    (
        "audit/_verdict_rules",
        r"x_(from_evidence|judge_claim)__mutmut_\d+: .* if \(len\((supports|rows|opposes)\)\) or True else",
        "E",
        "the condition guards an empty table, and an empty table filtered again is the same empty table",
    ),
    (
        "audit/_verdict_rules",
        r"x_from_evidence__mutmut_\d+: .*else pd\.Series\(dtype=None\)",
        "E",
        "the empty mask is used only when there are no supporting quotes, and then not read",
    ),
    (
        "audit/_verdict_rules",
        r'x_automatic_candidates__mutmut_\d+: - key = \("candidates"',
        "E",
        "a memo key: any fixed string does",
    ),
    (
        "audit/_verdict_rules",
        r'x__complete__mutmut_\d+: - code = result\.reason_code or "needs_reading"',
        "E",
        "every not_verifiable branch sets its own code (pinned branch by branch), so the default is never used",
    ),
    (
        "audit/_verdict_rules",
        r"x__complete__mutmut_\d+: - raise ValueError",
        "S",
        "the message of an error no input reaches (every code is of the vocabulary)",
    ),
    (
        "audit/_evidence",
        r"x__fit_threshold__mutmut_\d+: .*(else 1\.0|\(a\[\"recorded_links\"\]\) or True|return 3 \* precision)",
        "E",
        "with nothing proposed the recall is 0, so F1 is 0 whatever the precision; a fold's training claims all "
        "have recorded links; a constant factor does not move F1's maximum",
    ),
    (
        "audit/_evidence",
        r"x_(_vectors|candidate_links)__mutmut_\d+: "
        r".*content_token_lists\(list\((quotes|statements|quotes\[\"text\"\])\), \)",
        "E",
        '"lemma" is content_token_lists\' default normaliser',
    ),
    (
        "audit/_evidence",
        r"x__vectors__mutmut_\d+: "
        r".*(docvars=None|docvars=quotes\.index\) → .*\), \)|idf = None|idf=None\)|dfm_tfidf\(quote_matrix, \))",
        "E",
        "the row names (docvars) do not enter the scores; without an idf, dfm_tfidf computes the same idf "
        "of the quotes' matrix",
    ),
    (
        "audit/_evidence",
        r"x_candidate_links__mutmut_\d+: .*reset_index\(drop=(None|False)\)|kind=\"STABLE\"",
        "E",
        "the old index becomes a column nobody reads; numpy reads the sort kind without regard to case",
    ),
    (
        "audit/_verdict_rules",
        r"x__respondents_per_role__mutmut_\d+: - out\[key\] = out\.get\(key, 0\)",
        "E",
        "the sums are grouped by side, so each key is met once and starts from the default 0",
    ),
    (
        "audit/_evidence",
        r"x_linking_agreement__mutmut_\d+: - return pd\.DataFrame\(rows, columns=columns\) → "
        r"\+ return pd\.DataFrame\(rows, (columns=None)?\)",
        "E",
        "the rows are dicts whose keys are the columns in the same order",
    ),
    (
        "audit/_evidence",
        r'(x_linking_agreement|x__row)__mutmut_\d+: .*(float\("NAN"\)|len\(claim_ids\), None, totals)',
        "E",
        'float("NAN") is NaN; a None in a column of floats is stored as NaN',
    ),
    (
        "audit/_audit_report",
        r"x_verdict_counts__mutmut_\d+: .*reindex\(columns=list\(VERDICTS\), (fill_value=None)?\)\.fillna\(0\)",
        "E",
        "the next call, fillna(0), fills what reindex left empty",
    ),
    (
        "audit/_audit_report",
        r"x_verdict_changes__mutmut_\d+: - merged = now\.merge\(before, on=\"claim_id\"\) → "
        r"\+ merged = now\.merge\(before, (on=None)?\)",
        "E",
        "the keyword table has claim_id and keyword_verdict only, so the common column is claim_id either way",
    ),
    (
        "audit/_audit_report",
        r"x_linking_table__mutmut_\d+: - per_fold = .* → "
        r"\+ per_fold = table\.loc\[table\[\"fold\"\] != \"(XXallXX|ALL)\", \"threshold\"\]",
        "E",
        "the pooled row's threshold is NaN, which min() and max() skip",
    ),
    (
        "audit/_audit_report",
        r"x_linking_table__mutmut_\d+: .*\.astype\(None\)",
        "E",
        "the thresholds are floats already (astype(None) is float64)",
    ),
    (
        "audit/_audit_report",
        r'x_evidence_quotes__mutmut_\d+: .*(or "XXXX"|strict=None|strict=False|\.tolist\(\)\), \):)',
        "E",
        "a placeholder id is in no corpus and is dropped; the quotes and their token lists have one length",
    ),
    (
        "audit/_audit_report",
        r"x_print_audit_figures__mutmut_\d+: .*(option_context|data and load_audit_data|index=None)",
        "E",
        "the display options are wider than these tables (the printout is the same); a given audit is "
        "loaded again (slower, same figures); index=None prints no index like False",
    ),
    (
        "coding/_engine",
        r"_term_mask__mutmut_\d+: - start = self\._blob\.find\(term, start \+ 1\) → "
        r"\+ start = self\._blob\.find\(term, start \+ 2\)",
        "E",
        "an occurrence one character after the last one overlaps it, so it lies in the same vocabulary unit "
        "(a term holds no newline), which is a candidate already",
    ),
    (
        "coding/_engine",
        r"_term_mask__mutmut_\d+: - blocks = self\.blocks\.get\(term, \(\)\) → "
        r"\+ blocks = self\.blocks\.get\(term, (None)?\)",
        "E",
        "the blocks are only tested for truth (`if blocks and ...`): None and () are both false",
    ),
    (
        "coding/_engine",
        r"hit_words = n_words\[pattern_ids\] if positions\.size else np\.zeros\((1, np\.int64|0, None|0, )\)",
        "E",
        "without hits the loop over phrases finds no hit of more than one word, whatever the empty array holds",
    ),
    (
        "coding/_engine",
        r"hit_words >= 1",
        "E",
        "a one-word hit joined on its own is the token itself",
    ),
    (
        "coding/_engine",
        r"columns=None,$|columns=list\(EVIDENCE_COLUMNS\), / \) → \+ \)$",
        "E",
        "the dict lists the columns in the order of EVIDENCE_COLUMNS",
    ),
    (
        "coding/_engine",
        r"if \((positions|pattern_ids)\.size\) or True",
        "E",
        "an empty index into an object array (or an int64 one) gives the same empty array as the fallback",
    ),
    (
        "coding/_engine",
        r"pattern_text = np\.array\(\[p\.pattern for p in patterns\], (dtype=None|)\)",
        "E",
        "patterns are text: numpy's str_ elements are str and equal the patterns",
    ),
    (
        "coding/_engine",
        r"(n_words|pattern_category) = np\.array\(.*, (dtype=None|)\)$",
        "E",
        "Python ints make an int64 array; without patterns the array is never indexed",
    ),
    (
        "coding/_engine",
        r"if \(patterns\) or True",
        "E",
        "np.bincount of no ids with minlength 0 is an empty int64 array, as the fallback",
    ),
    (
        "coding/_engine",
        r'pd\.Series\(\{"XX_XX": pattern\}\)',
        "E",
        "the one category's id is never read: matches looks at the matrix's only column by position",
    ),
    (
        "coding/_engine",
        r"count=self\.n_types, / \) → \+ \)",
        "E",
        "count only lets numpy allocate once; the generator yields n_types values either way",
    ),
    (
        "coding/_themes",
        r"order = counts\.sum\(axis=1\)\.sort_values\(",
        "E",
        "the rows are put in order by sorted() on (-total, id) on the next line; order is only looked up",
    ),
    (
        "coding/_themes",
        r"counts\.div\(sizes\.reindex\(counts\.columns\), (axis=None|)\)\.astype\(float\)$",
        "E",
        "a DataFrame divided by a Series aligns the Series on the columns by default (axis=None is the default)",
    ),
    (
        "coding/_themes",
        r"counts\.div\(sizes\.reindex\(counts\.columns\), axis=1\)\.astype\(None\)",
        "E",
        "counts divided by group sizes are floats already",
    ),
    (
        "coding/_themes",
        r"counts\.div\(sizes\.reindex\(None\), axis=1\)",
        "E",
        "reindex(None) keeps the sizes as they are, and the division aligns them on the columns, the same groups",
    ),
    (
        "coding/_themes",
        r'x_code_corpus__mutmut_\d+: .*on=None, how="left"|x_code_corpus__mutmut_\d+: .*\]\], how="left"$',
        "E",
        "without on, merge joins on the only column both tables have, section_id",
    ),
    (
        "coding/_themes",
        r"x__subset__mutmut_\d+: -  → \+ $",
        "E",
        "a default of _subset's signature: every caller passes role",
    ),
    (
        "coding/_engine",
        r"zip\(.*, \)\)",
        "E",
        "the sequences zipped are columns of one table (arrays of one run): always the same length",
    ),
    (
        "coding/_engine",
        r"counts\[ids\] >= 0|positions = np\.flatnonzero\(counts\[ids\] > 0\) if \(ids\.size\) or True",
        "E",
        "a position whose type no pattern matches repeats its patterns zero times (reps = 0): no hit either way",
    ),
    (
        "coding/_engine",
        r"np\.(full|cumsum)\(.*, (dtype=None|)\)\)?$",
        "E",
        "numpy makes int64 from Python ints by itself",
    ),
    (
        "coding/_engine",
        r"np\.zeros\(0, (None|)\)|np\.zeros\(len\(texts\) \+ 1, (dtype=None|)\)|starts_any = starts_types = "
        r"(None|np\.zeros\(1, np\.int64\))|if \(ids\) or True",
        "E",
        "an empty or unused array: its dtype (or a length where it is never indexed) changes no hit; offsets "
        "as floats still index the same positions after the astype(int64) where they are read",
    ),
    (
        "coding/_engine",
        r'array\("I"\)',
        "E",
        "unsigned and signed 32-bit ints agree below 2**31 (type ids are far fewer)",
    ),
    (
        "coding/_engine",
        r"for j in range\(k\):",
        "E",
        "j = 0 checks the first word again, which every candidate matches by construction",
    ),
    (
        "coding/_engine",
        r"if phrases and ids\.size >= 1:",
        "E",
        "a corpus of one token has no room for a phrase: the starts are looked for in ids[:-1], which is empty",
    ),
    (
        "coding/_engine",
        r"if phrases or ids\.size > 1:",
        "E",
        "without phrase patterns the phrase search has nothing to look for",
    ),
    (
        "coding/_kwic",
        r'\{"XX_XX": term_or_category\}',
        "E",
        "the category id of an ad-hoc pattern is never shown (kwic's columns hold the pattern, not the category)",
    ),
    (
        "coding/_kwic",
        r"categories, patterns = compile_codebook\(codebook, \)",
        "E",
        "this compilation only selects the category's patterns by their written form; the next one compiles "
        "them with the chosen normaliser",
    ),
    (
        "privacy/_names",
        r"x__quote_spans__mutmut_\d+: .*start = first if first (> 0|>= 1) else 0",
        "E",
        "first is 0 or -1 when the test fails: start is 0 either way",
    ),
    (
        "privacy/_names",
        r"x__quote_spans__mutmut_\d+: .*end = last \+ 1 if \(last >= start and last >= 0\) or True|"
        r"x__quote_spans__mutmut_\d+: .*end = last \+ 1 if last >= start or last >= 0",
        "E",
        "where the original takes len(text), » is missing or stands before «; the next two lines then set end "
        "to len(text)",
    ),
    (
        "privacy/_names",
        r"x__quote_spans__mutmut_\d+: .*(last > start and|last <= first)",
        "E",
        "« and » never stand at the same position",
    ),
    (
        "privacy/_names",
        r"x__quote_spans__mutmut_\d+: .*end = last \+ 2",
        "E",
        "one character after » holds no word: a name token has two letters or more",
    ),
    (
        "privacy/_names",
        r"x__quote_spans__mutmut_\d+: .*if first (> 0|>= 1) and last < first",
        "E",
        "with « first on the line (first == 0) and last < 0, the line before already set end to len(text)",
    ),
    (
        "privacy/_names",
        r"_Spans.__init____mutmut_\d+: .*a <= merged\[-1\]\[1\]",
        "E",
        "half-open spans that touch cover the same positions merged or apart (overlaps and within agree)",
    ),
    (
        "privacy/_names",
        r"_Spans.overlaps__mutmut_\d+: .*self\.starts\[i\] <= b",
        "E",
        "a word ends with a letter, and no mask starts right after a letter (places, phrases, citations: "
        "WordPattern; e-mail and deny-list: their look-behinds), so a mask never starts where a word ends",
    ),
    (
        "privacy/_names",
        r"x_name_rules__mutmut_\d+: .*name = _title\(word\) if \(_caps\(word\)\) or True",
        "E",
        "a token that is not in capitals has a capital only at the start of each hyphen part: _title keeps it",
    ),
    (
        "privacy/_names",
        r"x_name_rules__mutmut_\d+: .*not known\(m\.group\(\)\) or \(name_field",
        "E",
        "a cheap pre-test made looser: the tokens are listed again, unfiltered, after the masks (only speed)",
    ),
    (
        "privacy/_identifiers",
        r'"XX0123456789XX"',
        "E",
        "an X in a text without digits only lets the digit patterns run, and each needs digits",
    ),
    (
        "privacy/_identifiers",
        r"deny_person\.get\(key(, None|, )?\)|deny_role\.get\(key, (None|'XXXX'|)\)|"
        r'\.rstrip\(None\)|\.lstrip\(" —"\)|\.rstrip\("XX —XX"\)',
        "E",
        "the deny pattern is built from the same rows as deny_person and deny_role (_lists.py), and every row "
        "has a person and a role (test_every_deny_listed_name_has_a_person_and_a_role): the defaults are never "
        "used, the reason starts with 'named' and ends with the role",
    ),
    ("io/_survey", r'rename\((None|"XXcomputedXX"|"COMPUTED")\)', "E", "the columns are renamed on the next line"),
]


#: The classes of the earlier recorded run (kept for its survivors).
LEGEND = {
    "E1": "equivalent: numpy's warning state only decides whether a warning is shown",
    "E2": "equivalent: a dtype argument dropped where the input already has that dtype",
    "S": "the text of a message, label or default name that no test pins",
    "L": "behaviour no unit test pins",
    "N": "no selected test calls the function",
}


def _status(code: int | None) -> str:
    if code is None:
        return "not checked"
    if code == 0:
        return "survived"
    if code in (5, 33):
        return "no tests"
    if code in (36, -24, 24):
        return "timeout"
    return "killed"


def _load() -> dict[str, dict[str, str]]:
    """module (e.g. ``privacy/_numbers``) -> mutant name -> status."""
    result: dict[str, dict[str, str]] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        module = str(meta.relative_to(MUTANTS))[: -len(".py.meta")]
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        result[module] = {name: _status(code) for name, code in codes.items()}
    return result


def _diffs(module: str) -> dict[str, str]:
    """mutant's short name -> "- old → + new", from the mutated copy mutmut wrote."""
    source = (MUTANTS / f"{module}.py").read_text(encoding="utf-8")
    lines = source.splitlines()
    functions: dict[str, list[str]] = {}
    for node in ast.parse(source).body:
        for item in [node, *(node.body if isinstance(node, ast.ClassDef) else [])]:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and "__mutmut_" in item.name:
                functions[item.name] = lines[item.lineno - 1 : item.end_lineno]
    out = {}
    for name, body in functions.items():
        base, _, number = name.rpartition("__mutmut_")
        original = functions.get(f"{base}__mutmut_orig")
        if number == "orig" or original is None:
            continue
        changed = [
            line
            for line in difflib.unified_diff(original[1:], body[1:], lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        old = " / ".join(line[1:].strip() for line in changed if line.startswith("-"))
        new = " / ".join(line[1:].strip() for line in changed if line.startswith("+"))
        out[name] = f"- {old} → + {new}"
    return out


def _previous() -> dict[tuple[str, str], tuple[str, str]]:
    """(module, mutant) -> (class, reason) from the committed survivors document."""
    path = Path("docs/mutation-survivors.md")
    found: dict[tuple[str, str], tuple[str, str]] = {}
    module = ""
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        if heading := re.match(r"## `src/mdi_analysis/(.+)\.py`", line):
            module = heading.group(1)
        elif item := re.match(r"- `(\w+)` \*\*(\w+)\*\*: .*?`( — (.*))?$", line):
            found[(module, item.group(1))] = (item.group(2), item.group(4) or "")
    return found


def _classify(module: str, line: str) -> tuple[str, str]:
    for prefix, pattern, kind, reason in REASONS:
        if module.startswith(prefix) and re.search(pattern, line):
            return kind, reason
    return "L", "not pinned by a unit test"


def main(argv: list[str]) -> int:
    what, prefixes = argv[0], argv[1:]
    results = {m: r for m, r in _load().items() if not prefixes or any(m.startswith(p) for p in prefixes)}
    if what == "scores":
        print("| module | mutants | killed | timeout | survived | no tests | not checked | score |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for module, statuses in results.items():
            c = Counter(statuses.values())
            checked = len(statuses) - c["not checked"]
            score = 100 * (c["killed"] + c["timeout"]) / checked if checked else float("nan")
            print(
                f"| `{module}.py` | {len(statuses)} | {c['killed']} | {c['timeout']} | {c['survived']} "
                f"| {c['no tests']} | {c['not checked']} | {score:.1f} % |"
            )
        return 0
    previous = _previous()
    for module, statuses in results.items():
        diffs = _diffs(module)
        left = [name for name, status in statuses.items() if status in ("survived", "no tests")]
        if not left:
            continue
        rows = []
        for name in left:
            short = name.rsplit(".", 1)[-1]
            line = f"{short}: {diffs.get(short, '?')}"
            matched = _classify(module, line)
            kind, reason = matched if matched[0] == "E" else previous.get((module, short), matched)
            if kind == "N":  # called by a test now: it stays for what it changes
                kind, reason = matched
            if statuses[name] == "no tests":
                kind, reason = "N", "no selected test calls the function"
            rows.append((kind, short, diffs.get(short, "?"), reason or LEGEND.get(kind, "")))
        counts = Counter(kind for kind, *_ in rows)
        summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        print(f"\n## `src/mdi_analysis/{module}.py` ({len(rows)}: {summary})\n")
        for kind, short, diff, reason in rows:
            old, _, new = diff.partition(" → ")
            print(f"- `{short}` **{kind}**: `{old}` → `{new}` — {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
