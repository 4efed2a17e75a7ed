#!/usr/bin/env python3
"""Prints docs/accuracy.md's table from a test log (mvn test's output with CorpusRealityTest's lines).

Usage: scripts/accuracy-table.py LOG    (e.g. the output of .ci/run or mvn -Dtest=CorpusRealityTest test)
"""
import re
import sys
from collections import OrderedDict

line_re = re.compile(r"^(\S+\.prototxt) (\w+) batch (\d+)(?: (?:inference|\+test net))?: (\d+) buffer mismatches, "
                     r"(\d+) shape mismatches, caffe log (\d+) vs (\d+), allocator estimated (\d+) vs real (\d+) "
                     r"\(([+-][0-9.]+)%\)")
rows = OrderedDict()
for raw in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = line_re.match(re.sub(r"\x1b\[[0-9;]*m", "", raw.strip()))
    if not m:
        continue
    net, solver, batch, buf, shp, log_e, log_r, est, real, err = m.groups()
    name = re.sub(r"^(KaimingHe-deep-residual-networks/prototxt/|bvlc/models/|bvlc/examples/|forresti-SqueezeNet/|"
                  r"shicai-MobileNet-Caffe/)", "", net).replace(".prototxt", "")
    r = rows.setdefault(name, {"runs": 0, "exact": True, "first": None, "worst": 0.0})
    r["runs"] += 1
    r["exact"] &= buf == "0" and shp == "0" and log_e == log_r
    if solver == "SGD" and batch == "1" and r["first"] is None:
        r["first"] = (int(real), float(err))
    r["worst"] = max(r["worst"], abs(float(err)))
print("| net | runs | blobs, shapes, log figure | allocator, batch 1 SGD | worst allocator error |")
print("|---|---:|---|---:|---:|")
for name, r in sorted(rows.items(), key=lambda kv: -kv[1]["first"][0] if kv[1]["first"] else 0):
    first = r["first"]
    cell = "%.1f MiB (%+.3f%%)" % (first[0] / 2**20, first[1]) if first and first[0] >= 2**20 else (
        "%d KiB (%+.3f%%)" % (first[0] // 1024, first[1]) if first else "-")
    print("| %s | %d | %s | %s | %.3f%% |" % (name, r["runs"], "exact" if r["exact"] else "MISMATCH", cell, r["worst"]))
