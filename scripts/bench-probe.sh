#!/usr/bin/env bash
# The probe's cost against running the target batch directly, on the AlexNet-sized training net
# (examples/alexnet, batch 256): peak RSS of the whole process tree and wall time of each command.
# Targets: probe / direct under 0.25 for memory and under 0.5 for time. Needs ~5 GiB free.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q package -DskipTests
run() {  # prints "wall_seconds max_rss_kib" of a command; stdout of the command is discarded
  /usr/bin/time -f "%e %M" -o /tmp/caffemem-bench-time.$$ "$@" > /dev/null
  cat /tmp/caffemem-bench-time.$$; rm -f /tmp/caffemem-bench-time.$$
}
net=examples/alexnet/train_val.prototxt
solver=examples/alexnet/solver.prototxt
echo "direct: one iteration at batch 256 in one child (caffemem measure)" >&2
read -r direct_s direct_kib < <(run ./caffemem measure --solver "$solver" --batch 256 2>/dev/null)
echo "probe: batches 1, 2, 4, extrapolated to 256 (caffemem probe)" >&2
read -r probe_s probe_kib < <(run ./caffemem probe --solver "$solver" --batch 256 2>/dev/null)
awk -v ds="$direct_s" -v dk="$direct_kib" -v ps="$probe_s" -v pk="$probe_kib" 'BEGIN {
  printf "===== caffemem probe vs a direct run: AlexNet-sized training net, batch 256 =====\n";
  printf "direct run:  %6.1f s wall, peak RSS %8.1f MiB\n", ds, dk / 1024;
  printf "probe 1,2,4: %6.1f s wall, peak RSS %8.1f MiB\n", ps, pk / 1024;
  printf "memory ratio %.3f (target < 0.25: %s)\n", pk / dk, (pk / dk < 0.25 ? "meets target" : "MISSES target");
  printf "time ratio   %.3f (target < 0.5: %s)\n", ps / ds, (ps / ds < 0.5 ? "meets target" : "MISSES target");
  printf "===============================================================================\n" }'
