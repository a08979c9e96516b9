#!/usr/bin/env bash
# Generates the Kotlin and Swift bindings from the built samtal-ffi library in $1 (the
# cargo profile directory), then packages for Android and iOS when their toolchains exist
# and says plainly when they do not.
set -euo pipefail
cd "$(dirname "$0")/.."
LIB_DIR=${1:?usage: scripts/bindings.sh TARGET_PROFILE_DIR}
LIB="$LIB_DIR/libsamtal_ffi.so"
[ "$(uname)" = Darwin ] && LIB="$LIB_DIR/libsamtal_ffi.dylib"
BINDGEN="$LIB_DIR/uniffi-bindgen"

rm -rf android/generated ios/Generated
# One Kotlin package per crate with UniFFI types: app.samtal.ffi (the facade) and
# app.samtal.{store,asr,sync,core} (the core crates' own records and enums).
"$BINDGEN" generate --library "$LIB" --no-format --language kotlin --out-dir android/generated/kotlin
# One Swift module (every crate's .swift in Sources/SamtalFFI) over one C module,
# SamtalFFIFFI, whose modulemap lists every crate's header.
"$LIB_DIR/uniffi-bindgen-swift" "$LIB" ios/Generated/Sources/SamtalFFI --swift-sources
"$LIB_DIR/uniffi-bindgen-swift" "$LIB" ios/Generated/Headers --headers --modulemap \
  --module-name SamtalFFIFFI --modulemap-filename module.modulemap
echo "bindings: Kotlin in android/generated/kotlin, Swift in ios/Generated"

if command -v cargo-ndk >/dev/null && [ -n "${ANDROID_NDK_HOME:-}" ]; then
  cargo ndk -t arm64-v8a -t armeabi-v7a -t x86_64 -o android/generated/jniLibs build --release -p samtal-ffi --features vendored-openssl
  echo "packaged: Android libraries in android/generated/jniLibs"
else
  echo "not packaged for Android: needs cargo-ndk and ANDROID_NDK_HOME (the Android NDK); neither is on this machine"
fi
if [ "$(uname)" = Darwin ] && command -v xcodebuild >/dev/null; then
  for t in aarch64-apple-ios aarch64-apple-ios-sim; do
    cargo rustc --release -p samtal-ffi --features vendored-openssl --lib --target "$t" --crate-type staticlib
  done
  xcodebuild -create-xcframework \
    -library "${CARGO_TARGET_DIR:-target}"/aarch64-apple-ios/release/libsamtal_ffi.a -headers ios/Generated/Headers \
    -library "${CARGO_TARGET_DIR:-target}"/aarch64-apple-ios-sim/release/libsamtal_ffi.a -headers ios/Generated/Headers \
    -output ios/Generated/SamtalFFI.xcframework
  echo "packaged: ios/Generated/SamtalFFI.xcframework"
else
  echo "not packaged for iOS: an XCFramework needs macOS with Xcode; this machine has neither"
fi
