# Overblik — two set-up commands: `make demo` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash

# System packages the build needs (C libraries behind ZipKit/XMLKit/CompoundFileKit, SQLite for GRDB).
BUILD_PACKAGES := pkg-config libzip-dev libdeflate-dev libxml2-dev libgsf-1-dev libsqlite3-dev
# What the full test suite needs besides: a real PostgreSQL server, Jing (RelaxNG validation of our
# ODF output) and LibreOffice (proof that our ODT/ODS open), plus Python for the independent readers (olefile
# checks the compound-file listing and reads the property sets for fixtures/documents/expected.jsonl; CI re-runs
# oletools from PyPI in a venv, see .ci/run; cmark-gfm reads the Markdown reports back in the output-safety tests).
TEST_PACKAGES := postgresql jing libreoffice-writer-nogui libreoffice-calc-nogui python3 python3-olefile python3-venv zip unzip cmark-gfm time
SWIFT ?= swift
BUILD_FLAGS ?=

.PHONY: schema-snapshot demo test deps-build deps-test build lint format clean golden fuzz test-asan

define ensure_packages
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  else \
	    echo "Missing system packages. Run as root:"; echo "  apt-get update && apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
endef

deps-build:
	$(call ensure_packages,$(BUILD_PACKAGES))

deps-test: deps-build
	$(call ensure_packages,$(TEST_PACKAGES))

build: deps-build
	$(SWIFT) build $(BUILD_FLAGS)

## make demo: scan, import, export, compile and report on the shipped fixtures; results in reports/.
demo: build
	scripts/demo.sh

## make test: the whole test suite, with a throwaway PostgreSQL server for the store tests, tests in parallel
## (Swift Testing runs up to twice as many test cases at once as there are cores). No test blocks a thread of
## Swift's cooperative pool (two threads on a 2-core machine) while it waits for a child process, a pipe or a
## sleep: those waits run on threads of their own (Tests/TestSupport/ChildWaits.swift); two tests blocked there
## once starved the in-process store work that held a PostgreSQL lock their children waited for, and the run hung.
## Temporary files go to a folder of the run's own, removed at its end (scripts/with-scratch-tmp.sh).
test: deps-test
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	scripts/with-scratch-tmp.sh scripts/with-postgres.sh $(SWIFT) test --skip-build $(BUILD_FLAGS)

## make golden: re-record the report outputs the tests compare with (Tests/ReportingTests/Golden), after a change
## that is meant to change them; review the diff before committing.
golden: deps-test
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	OVERBLIK_RECORD_GOLDEN=1 $(SWIFT) test --skip-build --filter GoldenReportTests $(BUILD_FLAGS)

## make schema-snapshot: write the SQLite schema a new store is made from (Sources/Store/SQLiteSchemaSnapshot.swift)
## again from the migration steps, after adding a step; SchemaSnapshotTests fails until it is.
schema-snapshot: deps-test
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	OVERBLIK_WRITE_SCHEMA_SNAPSHOT=$(CURDIR)/Sources/Store/SQLiteSchemaSnapshot.swift $(SWIFT) test --skip-build \
		--filter SchemaSnapshotTests/theSnapshotIsWhatTheStepsLeave $(BUILD_FLAGS)

## make fuzz: the libFuzzer targets in fuzz/ (a separate package, never built by `make test`), each run for
## FUZZ_SECONDS (default 60) one at a time; FUZZ_TARGETS picks some. Results and findings: FUZZING.md.
fuzz: deps-build
	scripts/fuzz.sh

## make test-asan: the whole test suite built with AddressSanitizer into its own scratch path (.build-asan), so the
## normal build is left alone. Slow; run by hand (CI keeps `make test`). Result recorded in FUZZING.md.
test-asan: deps-test
	scripts/test-asan.sh

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

format:
	$(SWIFT) format format --in-place --recursive Package.swift Sources Tests

clean:
	rm -rf .build
