#!/usr/bin/env bash
# Probes the training nets of ../shared/caffe-models at batches 1, 2, 4, extrapolates to 32 (8x the
# largest point), verifies at 32 for real, and prints a Markdown table. About 10 minutes on 2 cores.
# Give net paths (relative to ../shared/caffe-models) to probe only those.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d ../shared/caffe-models ] || { echo "needs ../shared/caffe-models" >&2; exit 2; }
mvn -q test-compile
cp="target/classes:target/test-classes:$(mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)"
java -cp "$cp" dev.caffemem.cli.ProbeTable "$@"
