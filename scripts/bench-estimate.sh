#!/usr/bin/env bash
# How fast is `caffemem estimate` on ResNet-152? Builds the jar and the test classes, runs the JMH
# benchmark (src/test/java/dev/caffemem/bench/EstimateBenchmark.java: warm, in-process), then times
# the CLI cold (a fresh JVM per run) on examples/resnet152, and prints one summary block against the
# targets: a warm estimate under 20 ms, the CLI under 1.5 s wall.
#
#   scripts/bench-estimate.sh                # about 1.5 minutes on 2 cores
#   MVN_OFFLINE= scripts/bench-estimate.sh   # let Maven download what it lacks (first run)
#
# Writes its raw results under target/bench/ (jmh.csv, jmh.log, cli-times.txt).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

mvn_flags=(-q ${MVN_OFFLINE--o})
out="target/bench"
net="examples/resnet152/train_val.prototxt"
solver="examples/resnet152/solver.prototxt"
deploy="../shared/caffe-models/KaimingHe-deep-residual-networks/prototxt/ResNet-152-deploy.prototxt"
target_warm_ms=20
target_cli_s=1.5
cli_runs=5

echo "== building (mvn ${mvn_flags[*]} package -DskipTests: jar and test classes) ==" >&2
mvn "${mvn_flags[@]}" package -DskipTests >&2
mkdir -p "$out"
mvn "${mvn_flags[@]}" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/test-classpath.txt" >&2
cp="target/test-classes:target/classes:$(cat "$out/test-classpath.txt")"

jmh_args=(EstimateBenchmark -rf csv -rff "$out/jmh.csv")
if [[ ! -f "$deploy" ]]; then
  echo "(no $deploy: leaving out estimateDeployTest)" >&2
  jmh_args+=(-e estimateDeployTest)
fi
load_before=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
echo "== JMH (warm, in-process; settings in EstimateBenchmark) ==" >&2
java -cp "$cp" org.openjdk.jmh.Main "${jmh_args[@]}" | tee "$out/jmh.log" >&2

# Score of one benchmark from JMH's CSV ("Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit").
score() {
  awk -F, -v b="\"dev.caffemem.bench.EstimateBenchmark.$1\"" '$1 == b { printf "%.3f", $5 }' "$out/jmh.csv"
}
error() {
  awk -F, -v b="\"dev.caffemem.bench.EstimateBenchmark.$1\"" '$1 == b { printf "%.3f", $6 }' "$out/jmh.csv"
}

echo "== CLI, cold: ./caffemem estimate $net --solver $solver, $cli_runs runs ==" >&2
# one untimed run: checks the command works and that the launcher will not rebuild the jar
./caffemem estimate "$net" --solver "$solver" > /dev/null
: > "$out/cli-times.txt"
if command -v hyperfine > /dev/null; then
  hyperfine --runs "$cli_runs" --export-csv "$out/hyperfine.csv" \
    "./caffemem estimate $net --solver $solver" >&2
  # command,mean,stddev,median,user,system,min,max: per-run times are in the JSON export only,
  # so take median and max from the CSV
  cli_median=$(awk -F, 'NR == 2 { printf "%.3f", $4 }' "$out/hyperfine.csv")
  cli_max=$(awk -F, 'NR == 2 { printf "%.3f", $8 }' "$out/hyperfine.csv")
  timer="hyperfine"
else
  for ((i = 0; i < cli_runs; i++)); do
    start=$(date +%s%N)
    ./caffemem estimate "$net" --solver "$solver" > /dev/null
    end=$(date +%s%N)
    awk -v ns=$((end - start)) 'BEGIN { printf "%.3f\n", ns / 1e9 }' | tee -a "$out/cli-times.txt" >&2
  done
  cli_median=$(sort -n "$out/cli-times.txt" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  cli_max=$(sort -n "$out/cli-times.txt" | tail -1)
  timer="date +%s%N around each run"
fi

warm=$(score estimateTrain)
verdict() { awk -v r="$1" 'BEGIN { print (r < 1 ? "meets target" : "MISSES target") }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
warm_ratio=$(ratio "$warm" "$target_warm_ms")
median_ratio=$(ratio "$cli_median" "$target_cli_s")
max_ratio=$(ratio "$cli_max" "$target_cli_s")

echo
echo "===== caffemem estimate: ResNet-152 benchmark summary ====="
echo "machine: $(nproc) cores, $(java -version 2>&1 | sed -n 1p); 1-min load average before JMH: $load_before"
printf 'warm estimate, train_val + solver, TRAIN batch 32: %s ms +- %s  vs %s ms target: ratio %s (%s)\n' \
  "$warm" "$(error estimateTrain)" "$target_warm_ms" "$warm_ratio" "$(verdict "$warm_ratio")"
printf 'warm parse, train_val alone:                       %s ms +- %s\n' "$(score parseTrain)" "$(error parseTrain)"
if [[ -f "$deploy" ]]; then
  printf 'warm estimate, ResNet-152 deploy, TEST:            %s ms +- %s\n' \
    "$(score estimateDeployTest)" "$(error estimateDeployTest)"
else
  echo "warm estimate, ResNet-152 deploy, TEST:            skipped (no ../shared)"
fi
printf 'CLI wall, %d cold runs (%s): median %s s, max %s s  vs %s s target: ratio %s median, %s max (%s)\n' \
  "$cli_runs" "$timer" "$cli_median" "$cli_max" "$target_cli_s" "$median_ratio" "$max_ratio" "$(verdict "$max_ratio")"
echo "==========================================================="
