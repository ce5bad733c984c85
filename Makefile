# Two commands for everyone: `make reproduce` (run every notebook, build reports/) and `make test`.
# Both create the virtual environment .venv when it is missing (docs/developer-loop.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev
# `make test`: two test processes (pytest-xdist); `make test TEST_FLAGS=` runs them in one.
TEST_FLAGS ?= -n 2 --no-loadscope-reorder
export PYTHONHASHSEED := 0
# uv does not compile bytecode at install time (pip does, slowly): Python writes the .pyc files
# of the modules it imports on first use. Where PYTHONDONTWRITEBYTECODE is set it never would,
# and every process would compile pandas & co. again (≈ 4 s of CPU each).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: reproduce test lab install install-lab clean-reports

# Install this package with the given extras into .venv. Fast path: uv (from PyPI), put into the
# venv by the system's pip (the venv is made without pip: ensurepip alone takes ≈ 6 s); uv then
# installs everything, pip included. Fallback: the venv's own pip, as before.
comma := ,
install_extras = { $(PYTHON) -m pip --python $(PY) install --quiet --disable-pip-version-check 'uv>=0.5' \
	&& $(VENV)/bin/uv pip install --quiet --python $(PY) -e '.[$(1)]' pip; } \
	|| { echo "uv did not work; installing with pip instead" >&2; \
	     { $(PY) -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip --default-pip >/dev/null; } \
	     && $(PY) -m pip install --quiet --disable-pip-version-check -e '.[$(1)]'; }

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv --without-pip $(VENV)
	@$(call install_extras,dev)
	@touch $(STAMP)

install: $(STAMP)

## reproduce: execute every notebook with its default parameters; outputs in reports/
reproduce: $(STAMP)
	$(PY) -m mdi_analysis reproduce

## test: lint and format check (ruff), unit and property tests, nbval over every committed notebook,
## anonymity scan
test: install-lab
	$(PY) -m ruff check --quiet .
	$(PY) -m ruff format --check --quiet .
	$(PY) -m pytest $(TEST_FLAGS)

## install-lab: the optional `lab` extra (JupyterLab), once; `make lab` and `make test` (the JupyterLab browser test) need it
install-lab: $(STAMP)
	@$(PY) -c "import jupyterlab" 2>/dev/null || $(call install_extras,dev$(comma)lab)

## lab: JupyterLab for interactive work (installs the optional `lab` extra once)
lab: install-lab
	$(VENV)/bin/jupyter lab $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) notebooks/

clean-reports:
	rm -rf reports/
