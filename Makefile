# The two commands of the README, and the checks CI runs.
CARGO ?= cargo

.PHONY: grade test lint fmt fuzz fuzz-smoke bench

## Grade the bundled submissions with the bundled rubric; reports go to out/.
grade:
	$(CARGO) run --release --quiet -- grade

## Run the whole test suite (unit, CLI, snapshot and dev-set agreement tests).
test:
	$(CARGO) test

## Formatting and lints, as CI checks them.
lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

fmt:
	$(CARGO) fmt

## Each fuzz target for 10 seconds from its seed corpus (CI), or FUZZ_SECONDS each.
FUZZ_SECONDS ?= 10
FUZZ_TARGETS = readers splitter rubric matcher visibility
fuzz-smoke:
	for t in $(FUZZ_TARGETS); do \
	  RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run -O $$t fuzz/corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 || exit 1; \
	done

## Longer fuzzing: make fuzz FUZZ_SECONDS=600
fuzz: fuzz-smoke

## Benchmarks: micro-benchmarks, then the scale run (see docs/performance.md).
bench:
	$(CARGO) bench --bench engine
	bash bench/scale.sh
