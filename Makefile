# Samtal: `make demo` runs the whole pipeline that exists; `make test` runs every test.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo
SAMTAL := $(CARGO) run -q -p samtal --

.PHONY: demo test deps models build lint bench compare

deps:
	@./scripts/install-deps.sh

models: deps
	$(SAMTAL) models fetch

build: deps
	$(CARGO) build --workspace

demo: models
	./scripts/demo.sh

lint: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test: models lint
	$(CARGO) test --workspace

# Speed and memory: numbers, not pass/fail.
bench: models
	$(CARGO) run -q --release -p samtal -- bench transcribe --threads 2 --quant q8_0
	$(CARGO) run -q --release -p samtal -- bench transcribe --threads 2 --quant f16

# samtal against faster-whisper (CTranslate2) on the same weights, audio and machine.
compare: models
	./bench/compare.sh
