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
# llama-server from the llama.cpp that the pinned llama-cpp-python sdist vendors (the same commit
# as the in-process engine), for the remote-engine tests. Built once per machine into a cache
# outside .venv (`make clean` keeps it); only the server target, no web UI, no downloads at build.
LLAMA_CPP_VERSION := $(shell sed -n 's/.*"llama-cpp-python==\([0-9.]*\)".*/\1/p' pyproject.toml)
LLAMA_SERVER_CACHE ?= $(HOME)/.cache/inkling/llama-server-$(LLAMA_CPP_VERSION)
LLAMA_SERVER_CMAKE_ARGS := $(CMAKE_ARGS) -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
	-DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF \
	-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF

.PHONY: setup models translations run test soak bench clean package test-package llama-server

setup: $(STAMP) models translations

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

models: $(STAMP)
	$(PY) models/fetch.py

# The window's translations: the .ts sources in translations/ compiled by Qt's lrelease (no binaries in git).
translations: $(STAMP)
	mkdir -p desktop/ui/translations
	for ts in translations/*.ts; do \
		$(VENV)/bin/pyside6-lrelease -silent "$$ts" -qm "desktop/ui/translations/$$(basename "$$ts" .ts).qm" || exit 1; \
	done

run: setup
	$(VENV)/bin/inkling

test: setup llama-server
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

llama-server: $(VENV)/bin/llama-server

$(VENV)/bin/llama-server: $(LLAMA_SERVER_CACHE)/llama-server | $(STAMP)
	cp $< $@

$(LLAMA_SERVER_CACHE)/llama-server: | $(STAMP)
	rm -rf $(LLAMA_SERVER_CACHE)/src $(LLAMA_SERVER_CACHE)/build
	mkdir -p $(LLAMA_SERVER_CACHE)/src
	$(PY) -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
		llama-cpp-python==$(LLAMA_CPP_VERSION) -d $(LLAMA_SERVER_CACHE)/src
	tar xzf $(LLAMA_SERVER_CACHE)/src/llama_cpp_python-$(LLAMA_CPP_VERSION).tar.gz -C $(LLAMA_SERVER_CACHE)/src
	cmake -S $(LLAMA_SERVER_CACHE)/src/llama_cpp_python-$(LLAMA_CPP_VERSION)/vendor/llama.cpp \
		-B $(LLAMA_SERVER_CACHE)/build $(LLAMA_SERVER_CMAKE_ARGS)
	cmake --build $(LLAMA_SERVER_CACHE)/build --target llama-server -j2
	cp $(LLAMA_SERVER_CACHE)/build/bin/llama-server $@.tmp && mv $@.tmp $@
	rm -rf $(LLAMA_SERVER_CACHE)/src $(LLAMA_SERVER_CACHE)/build

bench: setup
	$(PY) tests/bench/run.py $(NAME)

# kill -9 during ask, notes add and the window, SOAK_N times each (default 20, about 20 minutes):
# database integrity after every kill and the decoding lost per kill; last line one JSON object.
soak: setup
	QT_QPA_PLATFORM=offscreen $(PY) tests/reliability/soak.py

clean:
	rm -rf $(VENV) models/.cache
