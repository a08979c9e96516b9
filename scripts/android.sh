#!/usr/bin/env bash
# The Android app without Gradle (android/app):
#   android.sh apk               signed debug APK: aapt2 → Kotlin (Maven) → D8 → zipalign → apksigner
#   android.sh check             apksigner verify and aapt dump badging of that APK
#   android.sh test LIB_DIR      Robolectric tests with the real core (host libsamtal_ffi.so in
#                                LIB_DIR), then the APK from the same classes, then check
#   android.sh screens LIB_DIR   every screen in Swedish as PNG files in docs/android/
# Tools come from Debian's android-sdk (aapt2, zipalign, apksigner) and Maven Central
# (the API 34 framework jar, D8, JNA's Android AAR), installed by scripts/install-deps.sh
# and the app's pom.xml.
set -euo pipefail
cd "$(dirname "$0")/.."
APP=android/app
OUT=$APP/target
GEN=$OUT/gen
TOOLS=$OUT/tools
APK=$OUT/samtal-debug.apk
MVN=(mvn -B -q -f "$APP/pom.xml")

tools() {
  [ -f android/generated/kotlin/app/samtal/ffi/samtal_ffi.kt ] || {
    echo "android: the Kotlin bindings are missing; run make bindings first" >&2
    exit 1
  }
  "${MVN[@]}" initialize
}

# UI texts from the catalogue, then aapt2: compiled resources, R.java and the resource
# APK, which Robolectric reads through test_config.properties as the build plugin would write it.
resources() {
  rm -rf "$GEN"
  mkdir -p "$GEN/res" "$GEN/java" "$GEN/test-config/com/android/tools"
  python3 scripts/ui-text.py check "$APP/src/main"
  cp -r "$APP/src/main/res/." "$GEN/res/"
  python3 scripts/ui-text.py android "$GEN/res"
  aapt2 compile --dir "$GEN/res" -o "$GEN/compiled.zip"
  aapt2 link "$GEN/compiled.zip" -I "$TOOLS/android-all.jar" --manifest "$APP/src/main/AndroidManifest.xml" \
    --java "$GEN/java" --min-sdk-version 29 --target-sdk-version 34 --version-code 1 --version-name 0.1.0 \
    -o "$GEN/resources.apk" 2> >(grep -v "Unknown chunk type '200'" >&2)
  cat > "$GEN/test-config/com/android/tools/test_config.properties" <<PROPS
android_merged_manifest=$(realpath "$APP/src/main/AndroidManifest.xml")
android_resource_apk=$(realpath "$GEN/resources.apk")
android_custom_package=app.samtal.android
PROPS
}

apk() {
  tools
  resources
  "${MVN[@]}" compile
  package
}

# D8 and packaging of the classes Maven compiled.
package() {
  local dex=$OUT/dex
  rm -rf "$dex" && mkdir -p "$dex"
  (cd "$OUT/classes" && jar cf ../app-classes.jar .)
  # Runtime libraries: Kotlin, coroutines, ZXing, and JNA's Android build (not the desktop jar).
  IFS=: read -r -a libs < "$TOOLS/runtime-classpath.txt" || true
  java -cp "$TOOLS/r8.jar" com.android.tools.r8.D8 --release --min-api 29 --lib "$TOOLS/android-all.jar" --lib "$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")" \
    --output "$dex" "$OUT/app-classes.jar" "${libs[@]}" "$TOOLS/jna-aar/classes.jar"
  cp "$GEN/resources.apk" "$OUT/unsigned.apk"
  local stage=$OUT/stage
  rm -rf "$stage" && mkdir -p "$stage/lib/arm64-v8a"
  cp "$dex"/classes*.dex "$stage/"
  cp "$TOOLS/jna-aar/jni/arm64-v8a/libjnidispatch.so" "$stage/lib/arm64-v8a/"
  local core=android/generated/jniLibs/arm64-v8a/libsamtal_ffi.so
  if [ -f "$core" ]; then
    cp "$core" "$stage/lib/arm64-v8a/"
    echo "android: the APK carries the core (lib/arm64-v8a/libsamtal_ffi.so)"
  else
    echo "android: the APK carries no core: lib/arm64-v8a/libsamtal_ffi.so needs cargo-ndk and ANDROID_NDK_HOME (the Android NDK), which this machine lacks; make bindings builds it where they exist"
  fi
  (cd "$stage" && zip -q -r ../unsigned.apk classes*.dex lib)
  zipalign -p -f 4 "$OUT/unsigned.apk" "$OUT/aligned.apk"
  local ks=$OUT/debug.keystore
  [ -f "$ks" ] || keytool -genkeypair -keystore "$ks" -storepass android -keypass android -alias androiddebugkey \
    -keyalg RSA -keysize 2048 -validity 10000 -dname "CN=Samtal Debug,O=Samtal,C=SE" >/dev/null 2>&1
  apksigner sign --ks "$ks" --ks-pass pass:android --key-pass pass:android --ks-key-alias androiddebugkey \
    --out "$APK" "$OUT/aligned.apk"
  rm -f "$OUT/unsigned.apk" "$OUT/aligned.apk" "$APK.idsig"
  echo "android: $APK ($(du -k "$APK" | cut -f1) KB)"
}

# What a store or MDM would check before installing: a valid signature, the launcher
# activity, the microphone foreground service, and no backup of app data.
check() {
  [ -f "$APK" ] || { echo "android: no APK; run make android" >&2; exit 1; }
  apksigner verify --verbose "$APK" | grep -E "^Verifies|v2 scheme" 
  local badging manifest
  badging=$(aapt dump badging "$APK" 2>/dev/null)
  manifest=$(aapt dump xmltree "$APK" AndroidManifest.xml 2>/dev/null)
  fail() { echo "android check failed: $1" >&2; exit 1; }
  grep -q "^launchable-activity: name='app.samtal.android.ui.MainActivity'" <<<"$badging" || fail "no launcher activity"
  grep -q "uses-permission: name='android.permission.FOREGROUND_SERVICE_MICROPHONE'" <<<"$badging" || fail "no microphone foreground service permission"
  grep -q "uses-permission: name='android.permission.RECORD_AUDIO'" <<<"$badging" || fail "no RECORD_AUDIO permission"
  grep -A3 "E: service" <<<"$manifest" | grep -q "foregroundServiceType(0x01010599)=(type 0x11)0x80" || fail "the service is not a microphone foreground service"
  grep -q "allowBackup(0x01010280)=(type 0x12)0x0" <<<"$manifest" || fail "allowBackup is not false"
  echo "android check: signature verified; launcher activity, microphone foreground service, allowBackup=false"
}

tests() {
  tools
  resources
  local start=$SECONDS
  "${MVN[@]}" -Dsamtal.lib.dir="$1" test
  echo "android: Robolectric tests passed in $((SECONDS - start)) s"
  package
  check
}

screens() {
  tools
  resources
  "${MVN[@]}" -Dsamtal.lib.dir="$1" -Dsamtal.screens.dir="$(pwd)/docs/android" -Dtest=ScreensTest -Dsurefire.failIfNoSpecifiedTests=false test
  echo "android: screens in docs/android/"
}

case "${1:-}" in
  apk) apk ;;
  check) check ;;
  test) tests "${2:?usage: android.sh test LIB_DIR}" ;;
  screens) screens "${2:?usage: android.sh screens LIB_DIR}" ;;
  *) sed -n '2,9p' "$0" >&2; exit 2 ;;
esac
