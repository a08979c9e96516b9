# Samtal: `make demo` runs the whole pipeline that exists; `make test` runs every test.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo

.PHONY: demo test deps models build lint bench compare asr-wer bindings kotlin-test
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
BIN := $(TARGET_DIR)/debug

deps:
	@./scripts/install-deps.sh

# The whole workspace in one cargo invocation, test targets included so that features match
# `cargo test`: shared crates (whisper.cpp, SQLCipher, OpenSSL) compile once, not once per
# package selection.
build: deps
	$(CARGO) build --workspace --all-targets

models: build
	$(BIN)/samtal models fetch

demo: models
	./scripts/demo.sh

lint: deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test: models lint
	$(CARGO) test --workspace
	$(MAKE) kotlin-test

# Kotlin and Swift bindings generated from the exact library just built (git-ignored
# android/generated and ios/Generated), then packaged where the platform toolchains exist.
bindings: build
	./scripts/bindings.sh "$(BIN)"

# The generated Kotlin bindings, compiled with JNA against the host library and driven
# through the whole flow by JUnit (starts its own bankid-sim and samtal-endpoint).
kotlin-test: models bindings
	mvn -B -q -f android/pom.xml -Dsamtal.lib.dir="$(BIN)" test

# Speed, CPU time, memory, load time and live latency: numbers, not pass/fail.
bench: models
	$(CARGO) build -q --release -p samtal
	python3 bench/matrix.py --samtal $(TARGET_DIR)/release/samtal
	$(TARGET_DIR)/release/samtal bench load --threads 2
	$(TARGET_DIR)/release/samtal bench load --threads 2 --cold
	$(TARGET_DIR)/release/samtal bench live --threads 2

# samtal (every weight format) against faster-whisper (CTranslate2) on the same weights,
# audio and machine.
compare: models
	./bench/compare.sh

# Recognition WER of every weight format on espeak-ng renderings of the dev meetings and
# English texts: for comparing builds and settings on the same audio, not an absolute
# quality figure.
asr-wer: models
	./bench/asr_wer.sh --quant f16,q8_0,q5_1,q5_0,q4_0
