#!/usr/bin/env bash
# Installs what building and testing Samtal needs on Debian, skipping what is already there.
set -euo pipefail

need=(build-essential cmake clang libclang-dev pkg-config libssl-dev perl postgresql)
command -v python3 >/dev/null || need+=(python3)
python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
# The Kotlin binding tests run on the JVM (Java 17+, Maven).
command -v javac >/dev/null || need+=(default-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
# The Android app is built without Gradle: Debian's aapt2, zipalign and apksigner (the
# framework jar and D8 come from Maven Central through android/app/pom.xml).
need+=(aapt zipalign apksigner zip)
"$(dirname "$0")/apt-install.sh" "${need[@]}"

if ! command -v cargo >/dev/null; then
  echo "cargo (Rust) is missing: install Rust with rustup first" >&2
  exit 1
fi
for comp in clippy rustfmt; do
  cargo "${comp/rustfmt/fmt}" --version >/dev/null 2>&1 || rustup component add "$comp"
done
