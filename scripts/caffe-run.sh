#!/usr/bin/env bash
# Records one `caffe train --solver=solver.prototxt` in a run directory made by scripts/peak-table.sh:
# its phase table (VmHWM per phase, RssAnon/RssFile) and summary, on stdout.
#   scripts/caffe-run.sh target/peak-table/seed-binaryproto --limit 4294967296     # in a 4 GiB memory cgroup
#   scripts/caffe-run.sh target/peak-table/alexnet-none OPENBLAS_NUM_THREADS=1
#   scripts/caffe-run.sh target/peak-table/alexnet-binaryproto MALLOC_MMAP_THRESHOLD_=131072
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" dev.caffemem.caffetool.RecordRun "$@"
