#!/usr/bin/env bash
# Makes the Caffe logs under src/test/resources/dev/caffemem/explain/ with BVLC's own `caffe` command
# (src/test/java/dev/caffemem/explain/ExplainFixtures.java): the seed example killed in a 3 GiB memory
# cgroup, and mnist_autoencoder run to its end with snapshots. Needs root (the cgroup) and ../shared.
#   scripts/explain-fixtures.sh [WORK_DIR] [fixture ...]     (WORK_DIR defaults to target/explain-fixtures)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-target/explain-fixtures}"; shift || true
mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
mkdir -p "$work"
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.caffemem.explain.ExplainFixtures "$work" src/test/resources/dev/caffemem/explain "$@"
