# One entry point for set-up, running, tests and benchmarks. Everything goes into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PACKAGE_STAMP := $(VENV)/.installed-package
# A portable llama.cpp (AVX2, no -march=native): a native build picked AMX kernels that
# crash on some virtual machines. pip caches the built wheel, so this compiles once.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF
NAME ?=

.PHONY: setup models run test bench clean package test-package

setup: $(STAMP) models

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

models: $(STAMP)
	$(PY) models/fetch.py

run: setup
	$(VENV)/bin/inkling

test: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests --ignore=tests/bench -q -m "not package"

# The installable app: PyInstaller bundle, .tar.gz and .deb under dist/ (packaging/build.py).
package: setup $(PACKAGE_STAMP)
	$(PY) packaging/build.py

# Builds the package in a temp folder, unpacks the .deb, self-tests and starts it (a few minutes).
test-package: setup $(PACKAGE_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests/packaging -q -m package

$(PACKAGE_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,package]'
	touch $(PACKAGE_STAMP)

bench: setup
	$(PY) tests/bench/run.py $(NAME)

clean:
	rm -rf $(VENV) models/.cache
