#!/usr/bin/env python3
"""One psMNIST run as epoch,train_loss,valid_accuracy,test_accuracy (the cache's format).
  psmnist_to_csv.py ours RUN_DIR TRAIN       (metrics.csv, summary.json of ./nnrnn psmnist)
  psmnist_to_csv.py original OUT_DIR TRAIN   (ref_psmnist_run.py's log, alpha.txt, log_test.txt)
train_loss is the epoch's mean cross-entropy without nnRNN's delta penalty: the original prints it with
the penalty, so its mean over the epoch's updates (alpha.txt) is taken off."""
import csv, json, re, sys
impl, run, train = sys.argv[1], sys.argv[2], int(sys.argv[3])
print("epoch,train_loss,valid_accuracy,test_accuracy")
if impl == "ours":
    try:   # no test when every epoch exploded (ours keeps no exploded model as the best one)
        test = json.load(open(run + "/summary.json"))["test_accuracy"]
    except (OSError, KeyError):
        test = float("nan")
    for r in csv.DictReader(open(run + "/metrics.csv")):
        print("%s,%s,%s,%r" % (r["epoch"], r["train_loss"], r["valid_accuracy"], test))
else:
    per_epoch = -(-train // 100)
    alphas = [float(x) for x in open(run + "/alpha.txt").read().split()]
    test = float(re.search(r"Test accuracy: ([0-9.eE+-]+)", open(run + "/log_test.txt").read()).group(1))
    pattern = re.compile(r"^Epoch (\d+), .*Train Loss: ([^,]+), .*Test Accuracy (\S+)$")
    for line in open(run + "/log"):
        m = pattern.match(line.strip())
        if not m: continue
        e = int(m.group(1))
        a = alphas[(e - 1) * per_epoch:e * per_epoch]
        loss = float(m.group(2)) - (sum(a) / len(a) if a else 0.0)
        print("%d,%r,%s,%r" % (e, loss, m.group(3), test))
