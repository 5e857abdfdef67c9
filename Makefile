.PHONY: install test lint plan bench ci

install:
	pip install -e '.[test]'

test:
	pytest

lint:
	ruff check .

plan:
	studio-infra plan

bench:
	python benchmarks/plan_overhead.py

ci:
	bash .ci/run
