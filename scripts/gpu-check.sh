#!/usr/bin/env bash
# On a machine with an NVIDIA GPU and this checkout: builds the GPU jar (mvn -Pgpu), probes the bundled seed example
# and a few nets of ../shared/caffe-models (when present) on one GPU with --verify, and writes one JSON report with
# every probe's own JSON report, the GPU, the driver, and the CUDA and cuDNN libraries found.
#
# Usage: scripts/gpu-check.sh [--device gpu:N] [--out FILE] [--zoo-batch N] [--timeout DURATION] [--skip-build]
#   --device gpu:N     the GPU to probe, as nvidia-smi numbers it (default gpu:0)
#   --out FILE         the report (default target/gpu-check.json)
#   --zoo-batch N      target batch for the zoo nets (default 32; the seed example keeps its solver's batch)
#   --timeout D        per probe, e.g. 20m (default 20m)
#   --skip-build       use target/caffemem.jar as it is (it must be a -Pgpu build)
# Exit: 0 every probe passed; 1 a probe failed (the report says which and why); 2 no NVIDIA GPU, or bad usage;
# 3 the build failed.
set -euo pipefail
cd "$(dirname "$0")/.."

device=gpu:0
out=target/gpu-check.json
zoo_batch=32
timeout=20m
build=1
zoo=../shared/caffe-models
zoo_nets=(
  bvlc/examples/mnist/lenet.prototxt
  forresti-SqueezeNet/SqueezeNet_v1.1/deploy.prototxt
  bvlc/models/bvlc_alexnet/deploy.prototxt
  bvlc/models/bvlc_googlenet/deploy.prototxt
  KaimingHe-deep-residual-networks/prototxt/ResNet-50-deploy.prototxt
)

usage() { echo "gpu-check: $1 (see scripts/gpu-check.sh --help)" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --device) [ $# -ge 2 ] || usage "--device needs gpu:N"; device=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || usage "--out needs a file"; out=$2; shift 2 ;;
    --zoo-batch) [ $# -ge 2 ] || usage "--zoo-batch needs a number"; zoo_batch=$2; shift 2 ;;
    --timeout) [ $# -ge 2 ] || usage "--timeout needs a duration"; timeout=$2; shift 2 ;;
    --skip-build) build=0; shift ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage "unknown argument $1" ;;
  esac
done
[[ $device =~ ^gpu:[0-9]+$ ]] || usage "--device $device: expected gpu:N"
[[ $zoo_batch =~ ^[1-9][0-9]*$ ]] || usage "--zoo-batch $zoo_batch: expected a positive number"
index=${device#gpu:}

# --- the GPU: one line and exit 2 when there is none ---------------------------------------------------------------
no_gpu() { echo "gpu-check: no NVIDIA GPU here: $1" >&2; exit 2; }
command -v nvidia-smi >/dev/null 2>&1 || no_gpu "nvidia-smi not found (no NVIDIA driver installed)"
gpu_list=$(nvidia-smi -L 2>/dev/null) || no_gpu "nvidia-smi -L failed (is the driver loaded?)"
gpu_count=$(grep -c '^GPU [0-9]' <<<"$gpu_list" || true)
[ "$gpu_count" -gt 0 ] || no_gpu "nvidia-smi lists no GPU"
[ "$index" -lt "$gpu_count" ] || usage "--device $device: nvidia-smi lists $gpu_count GPU(s), numbered from 0"

# --- JSON helpers (no jq or python needed) -------------------------------------------------------------------------
json_str() {
  local s
  s=$(printf '%s' "$1" | tr -d '\000-\010\013\014\016-\037')
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/\\t}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/}
  printf '"%s"' "$s"
}
json_num_or_null() { if [[ $1 =~ ^[0-9]+$ ]]; then printf '%s' "$1"; else printf 'null'; fi; }
trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }

# --- what the machine has --------------------------------------------------------------------------------------------
query() { nvidia-smi -i "$index" --query-gpu="$1" --format=csv,noheader,nounits 2>/dev/null | head -n 1 || true; }
gpu_name=$(trim "$(query name)")
gpu_uuid=$(trim "$(query uuid)")
gpu_bus=$(trim "$(query pci.bus_id)")
gpu_mib=$(trim "$(query memory.total)")
gpu_cc=$(trim "$(query compute_cap)")   # older drivers do not know this field: empty then
driver=$(trim "$(query driver_version)")
cuda_driver=$(nvidia-smi 2>/dev/null | sed -n 's/.*CUDA Version: *\([0-9.]*\).*/\1/p' | head -n 1 || true)
# The libraries the GPU Caffe loads, as the dynamic loader would find them (version from the file name).
library_version() {
  local path
  path=$(ldconfig -p 2>/dev/null | awk -v lib="$1" '$1 == lib { print $NF; exit }')
  if [ -z "$path" ]; then
    local dirs dir
    IFS=: read -r -a dirs <<<"${LD_LIBRARY_PATH:-}:/usr/local/cuda-11.8/lib64"
    for dir in "${dirs[@]}"; do
      [ -n "$dir" ] || continue
      if [ -e "$dir/$1" ]; then path=$dir/$1; break; fi
    done
  fi
  if [ -n "$path" ]; then
    path=$(readlink -f "$path")
    printf '%s' "${path##*/}"
  fi
}
cudart=$(library_version libcudart.so.11.0)
cublas=$(library_version libcublas.so.11)
cudnn=$(library_version libcudnn.so.8)
java_version=$(java -version 2>&1 | head -n 1 || true)
commit=$(git rev-parse HEAD 2>/dev/null || true)
echo "gpu-check: $device = $gpu_name ($gpu_mib MiB, compute capability ${gpu_cc:-unknown}), driver $driver," \
  "CUDA $cuda_driver; libraries: ${cudart:-no libcudart.so.11.0}, ${cublas:-no libcublas.so.11}, ${cudnn:-no libcudnn.so.8}" >&2

# --- the GPU jar -----------------------------------------------------------------------------------------------------
mkdir -p target "$(dirname "$out")"
if [ "$build" = 1 ]; then
  echo "gpu-check: building the GPU jar (mvn -q -Pgpu package -DskipTests; log in target/gpu-check-build.log) ..." >&2
  if ! mvn -q -Pgpu package -DskipTests >target/gpu-check-build.log 2>&1; then
    echo "gpu-check: the build failed: $(tail -n 1 target/gpu-check-build.log) (full log: target/gpu-check-build.log)" >&2
    exit 3
  fi
fi
[ -f target/caffemem.jar ] || { echo "gpu-check: target/caffemem.jar is missing (drop --skip-build)" >&2; exit 3; }

# --- the probes ------------------------------------------------------------------------------------------------------
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs=()
passed=0
failed=0
probe() { # label, then the probe's arguments
  local label=$1 started seconds rc=0 report
  shift
  echo "gpu-check: probing $label ..." >&2
  started=$(date +%s)
  java -jar target/caffemem.jar probe "$@" --device "$device" --verify --format json --timeout "$timeout" \
    >"$work/out.json" 2>"$work/err.txt" || rc=$?
  seconds=$(($(date +%s) - started))
  local args="" a
  for a in "$@"; do args+="${args:+, }$(json_str "$a")"; done
  if [ "$rc" = 0 ] && [ -s "$work/out.json" ]; then
    report=$(cat "$work/out.json")
    passed=$((passed + 1))
    echo "gpu-check:   ok ($seconds s)" >&2
    runs+=("{\"net\": $(json_str "$label"), \"args\": [$args], \"exitCode\": 0, \"seconds\": $seconds, \"report\": $report}")
  else
    failed=$((failed + 1))
    local why
    why=$(grep -v '^caffemem probe: point=' "$work/err.txt" | tail -n 1 || true)
    echo "gpu-check:   FAILED, exit $rc: $why" >&2
    runs+=("{\"net\": $(json_str "$label"), \"args\": [$args], \"exitCode\": $rc, \"seconds\": $seconds, \"error\": $(json_str "$why")}")
  fi
}

probe "bundled seed example (examples/seed, solver batch)"
if [ -d "$zoo" ]; then
  for net in "${zoo_nets[@]}"; do
    if [ -f "$zoo/$net" ]; then
      probe "$net" "$zoo/$net" --batch "$zoo_batch"
    fi
  done
else
  echo "gpu-check: $zoo is absent: only the seed example" >&2
fi

# --- the report ------------------------------------------------------------------------------------------------------
{
  printf '{\n'
  printf '  "tool": "scripts/gpu-check.sh",\n'
  printf '  "date": %s,\n' "$(json_str "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
  printf '  "host": %s,\n' "$(json_str "$(hostname)")"
  printf '  "commit": %s,\n' "$(json_str "$commit")"
  printf '  "device": %s,\n' "$(json_str "$device")"
  printf '  "gpu": {"index": %s, "name": %s, "uuid": %s, "pciBusId": %s, "memoryTotalMiB": %s, "computeCapability": %s},\n' \
    "$index" "$(json_str "$gpu_name")" "$(json_str "$gpu_uuid")" "$(json_str "$gpu_bus")" \
    "$(json_num_or_null "$gpu_mib")" "$(json_str "$gpu_cc")"
  printf '  "driver": %s,\n' "$(json_str "$driver")"
  printf '  "cudaVersionOfDriver": %s,\n' "$(json_str "$cuda_driver")"
  printf '  "libraries": {"cudart": %s, "cublas": %s, "cudnn": %s},\n' \
    "$(json_str "$cudart")" "$(json_str "$cublas")" "$(json_str "$cudnn")"
  printf '  "java": %s,\n' "$(json_str "$java_version")"
  printf '  "passed": %s,\n' "$passed"
  printf '  "failed": %s,\n' "$failed"
  printf '  "runs": [\n'
  last=$((${#runs[@]} - 1))
  for i in "${!runs[@]}"; do
    separator=,
    if [ "$i" -eq "$last" ]; then separator=; fi
    printf '    %s%s\n' "${runs[$i]}" "$separator"
  done
  printf '  ]\n}\n'
} >"$work/report.json"
mv "$work/report.json" "$out"
echo "gpu-check: $passed passed, $failed failed; report: $out" >&2
[ "$failed" = 0 ]
