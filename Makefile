# Two commands for everyone: `make reproduce` (run every notebook, build reports/) and `make test`.
# Both create the virtual environment .venv with plain `python3 -m venv` + pip when it is missing.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev
# `make test`: two test processes (pytest-xdist); `make test TEST_FLAGS=` runs them in one.
TEST_FLAGS ?= -n 2 --no-loadscope-reorder
export PYTHONHASHSEED := 0

.PHONY: reproduce test lab install clean-reports

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## reproduce: execute every notebook with its default parameters; outputs in reports/
reproduce: $(STAMP)
	$(PY) -m mdi_analysis reproduce

## test: unit tests + nbval over every committed notebook + anonymity scan
test: $(STAMP)
	$(PY) -m pytest $(TEST_FLAGS)

## lab: JupyterLab for interactive work (installs the optional `lab` extra once)
lab: $(STAMP)
	@$(PY) -c "import jupyterlab" 2>/dev/null || $(PY) -m pip install --quiet -e '.[dev,lab]'
	$(VENV)/bin/jupyter lab notebooks/

clean-reports:
	rm -rf reports/
