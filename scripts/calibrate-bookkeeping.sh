#!/usr/bin/env bash
# Re-fits the bookkeeping model (src/main/resources/dev/caffemem/model/bookkeeping.properties)
# against the real Caffe on this machine: ~520 small nets, about a minute on 2 cores.
# Run it after changing which buffers the model prices, or on a new Caffe/JavaCPP build.
# CAFFEMEM_CALIBRATION_OPTS=-Dcaffemem.calibration.extend=true fits only the features the file lacks
# (a new layer type), keeping every coefficient it has.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q test-compile
cp="target/classes:target/test-classes:$(mvn -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)"
# shellcheck disable=SC2086  # several JVM options
java ${CAFFEMEM_CALIBRATION_OPTS:-} -cp "$cp" dev.caffemem.reality.BookkeepingCalibration src/main/resources/dev/caffemem/model/bookkeeping.properties
