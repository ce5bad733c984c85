"""mdi-analysis: a reproducible compendium for Strømsvåg (2017), employee-driven innovation (MDI)
in five Hallingdal municipalities.

The package holds all logic; notebooks in ``notebooks/`` only load, call and display.
"""

__version__ = "0.1.0"

from .errors import InputDataError, install_notebook_handler

install_notebook_handler()

__all__ = ["InputDataError", "__version__"]
