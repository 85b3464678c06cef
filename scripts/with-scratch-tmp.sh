#!/usr/bin/env bash
# Runs a command with TMPDIR set to a folder of its own, removed afterwards whatever the command's outcome. A test
# run makes thousands of temporary folders (stores, trees, exports, private PostgreSQL clusters); those a test does
# not remove itself piled up in /tmp run after run (47 GB, and a nearly full disk, by session 10).
# The folder is world-writable with the sticky bit, as /tmp is: some tests run children as `postgres` or `nobody`.
set -euo pipefail
dir=$(mktemp -d /tmp/overblik-tests.XXXXXX)
chmod 1777 "$dir"
trap 'rm -rf "$dir"' EXIT
TMPDIR=$dir "$@"
