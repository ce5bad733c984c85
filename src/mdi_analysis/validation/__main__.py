"""``python -m mdi_analysis.validation``: print every table of ``docs/validation.md``."""

from ._cli import main

main()
