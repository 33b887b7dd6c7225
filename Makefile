# Two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test index bench lint clean image image-test

# torch is installed first and pinned: an unpinned torch pulls a multi-GB CUDA build. Where
# PyPI's torch is the CUDA build (most Linux machines without a local CPU wheel), add
# TORCH_INDEX=https://download.pytorch.org/whl/cpu to get the CPU wheel.
TORCH_INDEX ?=
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) torch==2.13.0
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,qdrant]'
	touch $(STAMP)

venv: $(STAMP)

# Bring the index up to date with corpus/ (only new or changed articles are embedded; a second
# when nothing changed), then start the bot, or without TELEGRAM_BOT_TOKEN a terminal prompt.
run: $(STAMP)
	@$(PY) -m index.build -q corpus
	$(PY) -m bot

index: $(STAMP)
	$(PY) -m index.build corpus

test: $(STAMP)
	$(PY) -m pytest -q

# Benchmarks print Markdown tables; the first run builds data/bench/full-index (10-20 min).
bench: $(STAMP)
	$(PY) bench/build.py --articles 100
	$(PY) bench/query.py
	$(PY) bench/scale.py
	$(PY) bench/incremental.py
	$(PY) bench/coldstart.py
	$(PY) bench/bot_load.py

# The container image, built with buildah as root (scripts/image.sh; README "Container image").
# The public base python:3.11-slim when it can be pulled, else a local one made with debootstrap;
# BASE=local forces the local one. image-test needs root and minutes: it is not part of `test`.
image:
	scripts/image.sh build

image-test:
	scripts/image.sh test

lint: $(STAMP)
	$(PY) -m ruff check bot index tests bench

clean:
	rm -rf $(VENV) data .pytest_cache
