#!/usr/bin/env bash
# The iOS app (ios/):
#   ios.sh check   the checks that need no Swift toolchain, on any machine: every Swift file
#                  parses with tree-sitter-swift, every binding the Swift code names exists in
#                  the generated ios/Generated, no logging or notifications, the UI text
#                  catalogue against both apps; then the checks' own tests
#   ios.sh build   on macOS with Xcode and XcodeGen: the checks, the UI texts as
#                  Localizable.strings, the Xcode project, the app for the simulator and the
#                  package's XCTests on a simulator; elsewhere it says what it cannot do
# `make bindings` runs first (it builds the XCFramework on macOS).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${CARGO_TARGET_DIR:-$PWD/target}/ios-check-venv
PY=python3

python_ok() {
  "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || {
    echo "ios: Python 3.11 or newer is needed (tomllib); $PY is $("$PY" --version 2>&1)" >&2
    exit 1
  }
}

venv() {
  python_ok
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -c 'import ensurepip' 2>/dev/null || scripts/apt-install.sh python3-venv
    "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check tree-sitter==0.26.1 tree-sitter-swift==0.7.4
  fi
}

check() {
  [ -f ios/Generated/Sources/SamtalFFI/SamtalFFI.swift ] || {
    echo "ios: the Swift bindings are missing; run make bindings first" >&2
    exit 1
  }
  venv
  "$VENV/bin/python" scripts/swift-check.py ios
  "$VENV/bin/python" scripts/ui-text.py check ios android/app/src/main
  "$VENV/bin/python" scripts/test-ios-checks.py
}

build() {
  check
  if [ "$(uname)" != Darwin ] || ! command -v xcodebuild >/dev/null; then
    echo "ios: not built: the app needs macOS with Xcode (the Swift compiler and the iOS SDK); this machine has neither."
    echo "ios: done here: the Swift sources parse, every binding they call exists in ios/Generated, the UI texts are complete."
    return 0
  fi
  [ -d ios/Generated/SamtalFFI.xcframework ] || {
    echo "ios: ios/Generated/SamtalFFI.xcframework is missing: make bindings builds it with Xcode and the Rust iOS targets (rustup target add aarch64-apple-ios aarch64-apple-ios-sim)" >&2
    exit 1
  }
  command -v xcodegen >/dev/null || {
    echo "ios: XcodeGen is needed for the app's project (brew install xcodegen)" >&2
    exit 1
  }
  "$PY" scripts/ui-text.py ios ios/App/Resources
  (cd ios && xcodegen generate --quiet)
  local sim=${IOS_SIMULATOR:-iPhone 15}
  xcodebuild -project ios/Samtal.xcodeproj -scheme Samtal -destination "generic/platform=iOS Simulator" \
    -derivedDataPath ios/.build build
  xcodebuild -project ios/Samtal.xcodeproj -scheme Samtal -destination "platform=iOS Simulator,name=$sim" \
    -derivedDataPath ios/.build test
  echo "ios: built ios/.build/Build/Products/Debug-iphonesimulator/Samtal.app and ran the XCTests on $sim"
}

case "${1:-}" in
  check) check ;;
  build) build ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
