# Samtal: `make demo` runs the whole pipeline that exists; `make test` runs every test.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo
SAMTAL := $(CARGO) run -q -p samtal --

.PHONY: demo test deps models build lint bench compare bindings kotlin-test
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)

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
	$(MAKE) kotlin-test

# Kotlin and Swift bindings generated from the exact library just built (git-ignored
# android/generated and ios/Generated), then packaged where the platform toolchains exist.
bindings: deps
	$(CARGO) build -p samtal-ffi
	./scripts/bindings.sh "$(TARGET_DIR)/debug"

# The generated Kotlin bindings, compiled with JNA against the host library and driven
# through the whole flow by JUnit (starts its own bankid-sim and samtal-endpoint).
kotlin-test: models bindings
	$(CARGO) build -p samtal-endpoint -p samtal-bankid
	mvn -B -q -f android/pom.xml -Dsamtal.lib.dir="$(TARGET_DIR)/debug" test

# Speed and memory: numbers, not pass/fail.
bench: models
	$(CARGO) run -q --release -p samtal -- bench transcribe --threads 2 --quant q8_0
	$(CARGO) run -q --release -p samtal -- bench transcribe --threads 2 --quant f16

# samtal against faster-whisper (CTranslate2) on the same weights, audio and machine.
compare: models
	./bench/compare.sh
