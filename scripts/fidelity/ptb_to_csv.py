#!/usr/bin/env python3
"""One PTB run as epoch,train_bpc,valid_bpc,test_bpc (the cache's format; bits per character = loss / ln 2).
  ptb_to_csv.py ours RUN_DIR        (metrics.csv, summary.json of ./nnrnn ptb)
  ptb_to_csv.py original OUT_DIR    (ref_ptb_run.py's train.txt, valid.txt, testdat.txt)
train_bpc: the epoch's cross-entropy without nnRNN's penalty, averaged over its tokens (the last window
may be shorter), as ours' metrics.csv; the original's printed training loss skips the first window."""
import csv, json, math, re, sys
from collections import defaultdict
impl, run = sys.argv[1], sys.argv[2]
print("epoch,train_bpc,valid_bpc,test_bpc")
if impl == "ours":
    test = json.load(open(run + "/summary.json"))["test_bpc"]
    for r in csv.DictReader(open(run + "/metrics.csv")):
        print("%s,%s,%s,%r" % (r["epoch"], r["train_bpc"], r["valid_bpc"], test))
else:
    sums, tokens = defaultdict(float), defaultdict(int)
    for line in open(run + "/train.txt"):
        e, n, loss = line.split(); sums[int(e)] += int(n) * float(loss); tokens[int(e)] += int(n)
    valid = [float(x) for x in open(run + "/valid.txt").read().split()]
    test = float(re.search(r"Test loss: ([0-9.eE+-]+|nan|inf)", open(run + "/testdat.txt").read()).group(1))
    for e, v in enumerate(valid, 1):
        print("%d,%r,%r,%r" % (e, sums[e] / tokens[e] / math.log(2), v / math.log(2), test / math.log(2)))
