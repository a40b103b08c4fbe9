# The two commands of the README, and the checks CI runs.
CARGO ?= cargo

.PHONY: grade test lint fmt

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
