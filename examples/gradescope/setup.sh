#!/usr/bin/env bash
# Gradescope autograder setup: runs once when the autograder image is built (network allowed).
# It builds rubricate from the source shipped in the autograder zip and installs the binary, so
# that run_autograder needs nothing else at grading time.
#
# Zip layout (unzipped by Gradescope into /autograder/source):
#   setup.sh  run_autograder  rubric.toml  rubricate/ (this repository: Cargo.toml, src/, ...)
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"

apt-get update
apt-get install -y --no-install-recommends curl ca-certificates build-essential
if ! command -v cargo >/dev/null 2>&1; then
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
fi
# shellcheck disable=SC1091
source "$HOME/.cargo/env"

cargo build --release --locked --manifest-path "$ROOT/source/rubricate/Cargo.toml"
mkdir -p "$ROOT/bin"
cp "$ROOT/source/rubricate/target/release/rubricate" "$ROOT/bin/rubricate"
"$ROOT/bin/rubricate" lint "$ROOT/source/rubric.toml"
