# Samtal: `make demo` runs the whole pipeline that exists; `make test` runs every test.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo

.PHONY: demo test deps models build lint bench bench-speakers compare asr-wer bindings kotlin-test android android-test android-screens ios ios-check fuzz deb pipeline-eval embed-eval
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
	$(MAKE) android-test
	$(MAKE) ios-check

# Kotlin and Swift bindings generated from the exact library just built (git-ignored
# android/generated and ios/Generated), then packaged where the platform toolchains exist.
bindings: build
	./scripts/bindings.sh "$(BIN)"

# The generated Kotlin bindings, compiled with JNA against the host library and driven
# through the whole flow by JUnit (starts its own bankid-sim and samtal-endpoint).
kotlin-test: models bindings
	mvn -B -q -f android/pom.xml -Dsamtal.lib.dir="$(BIN)" test

# The Android app (android/app): a signed debug APK built without Gradle (aapt2, D8, apksigner).
android: bindings
	./scripts/android.sh apk

# The app's Robolectric tests with the real core (starts its own bankid-sim and
# samtal-endpoint), then the APK from the same classes: signature, launcher activity,
# microphone foreground service, no backup.
android-test: models bindings
	./scripts/android.sh test "$(BIN)"

# Every screen in Swedish as PNG files in docs/android/ (Robolectric native graphics).
android-screens: models bindings
	./scripts/android.sh screens "$(BIN)"

# The iOS app's checks without a Swift toolchain: tree-sitter-swift parses every Swift file,
# every binding the Swift code names exists in ios/Generated, no logs or notifications, the
# UI texts of both apps; then the checks' own tests (a broken file and a missing key fail).
ios-check: bindings
	./scripts/ios.sh check

# On macOS with Xcode: the checks, the XCFramework (make bindings), the app and its XCTests
# on a simulator. Elsewhere it runs the checks and says what it cannot build.
ios: bindings
	./scripts/ios.sh build

# The Debian package of samtal-endpoint (release binary, systemd unit, default config) in
# target/deb/. `make test` checks the same layout built from the debug binary.
deb: deps
	$(CARGO) build --release -p samtal-endpoint
	./scripts/deb.sh "$(TARGET_DIR)/release/samtal-endpoint" "$(TARGET_DIR)/deb"

# Speed, CPU time, memory, load time and live latency: numbers, not pass/fail.
bench: models
	$(CARGO) build -q --release -p samtal
	python3 bench/matrix.py --samtal $(TARGET_DIR)/release/samtal
	$(TARGET_DIR)/release/samtal bench load --threads 2
	$(TARGET_DIR)/release/samtal bench load --threads 2 --cold
	$(TARGET_DIR)/release/samtal bench live --threads 2

# Speaker attribution on espeak-ng renderings of the dev meetings (rendered into the cache
# once by scripts/render-speakers.sh; the meetings from $SAMTAL_EVAL_DEV or ../shared/eval/dev).
bench-speakers: deps
	$(CARGO) run -q --release -p samtal -- bench speakers --dir "$$(./scripts/render-speakers.sh)" --texts "$${SAMTAL_EVAL_DEV:-../shared/eval/dev}"

# Audio → recognition → speaker attribution → draft → score on the renderings, next to the
# score from the gold transcripts (English by default: Whisper base recognises espeak's Swedish
# and Danish poorly; PIPELINE_LANG=sv,da,en for all).
pipeline-eval: models
	$(BIN)/samtal eval pipeline --renderings "$$(./scripts/render-speakers.sh)" \
		--set "$${SAMTAL_EVAL_DEV:-../shared/eval/dev}" --lang "$${PIPELINE_LANG:-en}"

# Gemma 3 270M sentence vectors against the drafter's word features (issue 13, item 4):
# fetches the model (not a default one), runs the tests that need it, then the
# leave-one-meeting-out comparison and its cost (release build, 2 threads; the vectors are
# cached in target/embed-cache, EMBED_ARGS=--fresh recomputes and re-times them).
embed-eval: deps
	$(CARGO) build -q --release -p samtal
	$(TARGET_DIR)/release/samtal models fetch gemma3-270m
	$(CARGO) test -q --release -p samtal-embed -- --include-ignored
	$(TARGET_DIR)/release/samtal eval embed --set "$${SAMTAL_EVAL_DEV:-../shared/eval/dev}" --threads 2 $(EMBED_ARGS)

# samtal (every weight format) against faster-whisper (CTranslate2) on the same weights,
# audio and machine.
compare: models
	./bench/compare.sh

# Recognition WER of every weight format on espeak-ng renderings of the dev meetings and
# English texts: for comparing builds and settings on the same audio, not an absolute
# quality figure.
asr-wer: models
	./bench/asr_wer.sh --quant f16,q8_0,q5_1,q5_0,q4_0

# Coverage-guided fuzzing (cargo-fuzz, nightly): every target in fuzz/ for FUZZ_SECONDS
# (default 600) each. Not part of `make test`, which replays the stored inputs instead.
FUZZ_SECONDS ?= 600
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./scripts/fuzz.sh
