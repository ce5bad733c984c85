"""Validated loaders for the input tables, and the one place files are written.

Owns: reading input files as bytes and text (``_text``), CSV tables with pandera schemas
(``_tables``), the survey (KS 10-faktor, ch. 8 and 4.6), the sample (3.1/3.2/3.5), the theory
codebook, the published values of ``data/expected`` (used only to compare), and atomic writes of
files and of folders; a folder the package makes carries its marker, and only such folders are
ever replaced (``_files``). May import: ``errors``, ``options``, ``paths``. Everything else in the
package reads data through here.
"""

from ._codebook import Codebook, load_codebook
from ._expected import compare_published, load_expected, published_summary, round_half_up
from ._files import (
    OUTPUT_MARKER,
    check_output_folder,
    make_folders,
    mark_folder,
    output_marker,
    remove_created_folders,
    write_atomic,
    write_folder,
    write_if_changed,
)
from ._sample import Sample, coverage, load_sample, municipality_table, respondent_table, sample_values
from ._survey import (
    MEAN_ROW as SURVEY_MEAN_ROW,
)
from ._survey import (
    Survey,
    chapter8_table,
    default_units,
    factor_table,
    load_survey,
    plot_scores,
    select_factors,
    survey_values,
)
from ._survey import (
    plot_data as survey_plot_data,
)
from ._tables import RowLines, check_allowed, fail_row, read_table, require_columns, write_table
from ._text import check_input_file, decode_text, over_limit, read_input_bytes, size_text

__all__ = [
    "OUTPUT_MARKER",
    "SURVEY_MEAN_ROW",
    "Codebook",
    "RowLines",
    "Sample",
    "Survey",
    "chapter8_table",
    "check_allowed",
    "check_input_file",
    "check_output_folder",
    "compare_published",
    "coverage",
    "decode_text",
    "default_units",
    "factor_table",
    "fail_row",
    "load_codebook",
    "load_expected",
    "load_sample",
    "load_survey",
    "make_folders",
    "mark_folder",
    "municipality_table",
    "output_marker",
    "plot_scores",
    "published_summary",
    "over_limit",
    "read_input_bytes",
    "size_text",
    "read_table",
    "remove_created_folders",
    "require_columns",
    "respondent_table",
    "round_half_up",
    "sample_values",
    "select_factors",
    "survey_plot_data",
    "survey_values",
    "write_atomic",
    "write_folder",
    "write_if_changed",
    "write_table",
]
