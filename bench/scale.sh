#!/usr/bin/env bash
# Scale benchmark: grading time, throughput and peak memory for synthetic courses of 1k, 10k
# and 100k students (override with SIZES="1000 10000"), with 1 and 2 threads, against ripgrep
# searching the same corpus for all of the rubric's patterns in one pass. Prints figures;
# asserts nothing. Needs GNU time and ripgrep (installed from Debian's packages if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${SIZES:-1000 10000 100000}"
RUBRIC="${RUBRIC:-rubrics/finetuning-review.toml}"
WORK="${WORK:-/tmp/rubricate-bench}"
mkdir -p "$WORK"
# Each run writes into a fresh folder; earlier runs' outputs are removed first, here, because
# deleting many files right before a run slows the file system's choice of new inodes (ext4
# avoids recently deleted ones) and would be charged to the run.
rm -rf "$WORK"/out-*

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need rg ripgrep
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

cargo build --release --quiet --bin rubricate --example gen_corpus
BIN=target/release/rubricate

# The rubric's patterns for ripgrep: regexes as written, phrases as their words in order.
"$BIN" patterns "$RUBRIC" > "$WORK/patterns.txt"

# Run a command under GNU time; print "seconds peak_kib".
measure() {
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >/dev/null 2>&1 || true
  tail -n 1 "$WORK/time.txt"
}

printf '%-8s %-8s %9s %10s %11s %10s %9s %9s\n' students threads seconds students/s answers/s peak_MiB rg_s ratio_rg
for n in $SIZES; do
  corpus="$WORK/corpus-$n"
  [ -d "$corpus" ] || target/release/examples/gen_corpus --rubric "$RUBRIC" --students "$n" --seed 7 --out "$corpus" 2>/dev/null
  questions=$(grep -c '^\[\[question\]\]' "$RUBRIC")
  # ripgrep twice (its time moves with the page cache); the faster run is the baseline.
  rg_runs=""
  for _ in 1 2; do
    read -r s _ < <(measure rg -c -i --regex-size-limit 2G --dfa-size-limit 2G -f "$WORK/patterns.txt" "$corpus")
    rg_runs="$rg_runs $s"
  done
  rg_s=$(printf '%s\n' $rg_runs | sort -g | head -1)
  echo "rg on $n students:$rg_runs s" >&2
  for threads in 1 2; do
    read -r secs kib < <(measure "$BIN" grade --rubric "$RUBRIC" --submissions "$corpus" --out "$WORK/out-$n-j$threads" -j "$threads" --quiet)
    awk -v n="$n" -v t="$threads" -v s="$secs" -v k="$kib" -v q="$questions" -v rg="$rg_s" 'BEGIN {
      printf "%-8d %-8d %9.2f %10.0f %11.0f %10.1f %9.2f %9.1f\n", n, t, s, n / s, n * q / s, k / 1024, rg, s / rg }'
  done
done

# One submission, as CI or a student's check runs it.
one="$WORK/corpus-1000/s000001.md"
[ -f "$one" ] || one=$(find "$WORK/corpus-1000" -name '*.md' | head -1)
read -r check_s check_kib < <(measure "$BIN" check --rubric "$RUBRIC" "$one")
read -r rg1_s _ < <(measure rg -c -i --regex-size-limit 2G --dfa-size-limit 2G -f "$WORK/patterns.txt" "$one")
echo
echo "one submission: rubricate check ${check_s}s, rg ${rg1_s}s, peak $((check_kib / 1024)) MiB"
