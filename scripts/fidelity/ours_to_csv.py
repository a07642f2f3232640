#!/usr/bin/env python3
"""Turns a run directory's metrics.csv (step,loss,accuracy,ms) into update,loss,accuracy (the cache's format)."""
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/metrics.csv")))
print("update,loss,accuracy")
for r in rows:
    print("%s,%s,%s" % (r["step"], r["loss"], r["accuracy"]))
