#!/bin/sh
# The image's `caffemem` command (its ENTRYPOINT): the jar with the JVM options of the repository's ./caffemem
# launcher. CAFFEMEM_JAVA_OPTS adds JVM options for this process (not for the probe's child JVMs).
set -eu
# CAFFEMEM_JAVA_OPTS is split at spaces on purpose: it holds several options.
# shellcheck disable=SC2086
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto ${CAFFEMEM_JAVA_OPTS:-} \
    -jar /opt/caffemem/caffemem.jar "$@"
