#!/usr/bin/env bash
# Runs the peak table of issue 10 with BVLC's own `caffe` command: every net of
# src/test/java/dev/caffemem/caffetool/PeakCases.java for one iteration with a test pass at iteration 0,
# with and without the final snapshot, one run at a time (the seed example peaks near 4.8 GB), then one
# `caffe test`, next to `caffemem estimate`'s totalBytes. Prints the table in Markdown on stdout; each
# run's phase table goes to WORK/details.md. About 10 minutes on 2 cores.
#   scripts/peak-table.sh [WORK_DIR] [case-id ...]        (WORK_DIR defaults to target/peak-table)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-target/peak-table}"; shift || true
mvn -o -q package -DskipTests >&2
mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
mkdir -p "$work"
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.caffemem.caffetool.PeakTable "$work" "$work/details.md" "$@"
