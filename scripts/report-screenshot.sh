#!/usr/bin/env bash
# The picture of the HTML report in docs/: the bundled example's report at --memory 11GiB, opened in headless
# Chromium (Debian's chromium package) in a laptop-sized window, its first 1280 x 1250 pixels (the verdict, where
# the memory goes, memory vs batch). Nothing is fetched: the page is one self-contained file.
#
#   scripts/report-screenshot.sh                 # writes docs/report-seed.png
#   scripts/report-screenshot.sh /tmp/shot.png   # somewhere else
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$(realpath -m "${1:-docs/report-seed.png}")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

./caffemem report --solver examples/seed/solver.prototxt --memory 11GiB -o "$tmp/report.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --force-device-scale-factor=1 \
  --user-data-dir="$tmp/profile" --window-size=1280,1250 --screenshot="$out" "file://$tmp/report.html" 2>/dev/null
echo "wrote $out" >&2
