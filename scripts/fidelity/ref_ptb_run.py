#!/usr/bin/env python3
"""Runs the ORIGINAL language_task.py (its model, optimisers, loss, loop and schedule untouched) on a
prepared data folder. Usage: /usr/bin/python3 ref_ptb_run.py OUTDIR DATADIR -- [language_task.py options]
DATADIR holds train.txt, valid.txt, test.txt (linked as the ./data/pennchar/ it reads). Observed from
outside, for the cache: the cross-entropy of every training update and its token count (OUTDIR/train.txt:
epoch tokens loss), the pickled per-epoch validation losses and the test loss (testdat.txt).
Writes OUTDIR/log (the original's stdout), OUTDIR/train.txt, OUTDIR/valid.txt, OUTDIR/testdat.txt."""
import glob, os, pickle, runpy, shutil, sys, tempfile
import reference

out = os.path.abspath(sys.argv[1]); data = os.path.abspath(sys.argv[2]); args = sys.argv[sys.argv.index('--') + 1:]
os.makedirs(out, exist_ok=True)
ref_dir, torch = reference.load()
import torch.nn as nn

work = tempfile.mkdtemp(prefix="ref_ptb_")
os.makedirs(os.path.join(work, "data"))
os.symlink(data, os.path.join(work, "data", "pennchar"))

# training mode of the language model (model.train() / model.eval() both go through Module.train)
state = {"training": False, "epoch": 0}
base_train = nn.Module.train
def train(self, mode=True):
    if type(self).__name__ == "RNNModel":
        if mode and not state["training"]: state["epoch"] += 1
        state["training"] = mode
    return base_train(self, mode)
nn.Module.train = train

updates = []
class CrossEntropyLoss(nn.CrossEntropyLoss):   # records the training updates' loss_act
    def forward(self, input, target):
        loss = super().forward(input, target)
        if state["training"]: updates.append((state["epoch"], target.shape[0], loss.item()))
        return loss
nn.CrossEntropyLoss = CrossEntropyLoss

sys.path.insert(0, ref_dir)
os.chdir(work)
sys.argv = ["language_task.py"] + args
with open(os.path.join(out, "log"), "w") as f:
    sys.stdout = f
    try:
        runpy.run_path(os.path.join(ref_dir, "language_task.py"), run_name="__main__")
    finally:
        sys.stdout = sys.__stdout__
        with open(os.path.join(out, "train.txt"), "w") as t:
            t.writelines("%d %d %r\n" % u for u in updates)
for path in glob.glob(os.path.join(work, "saves", "sMNIST", "*", "*", "*Val_Losses")):
    with open(os.path.join(out, "valid.txt"), "w") as v:
        v.writelines("%r\n" % x for x in pickle.load(open(path, "rb")))
for path in glob.glob(os.path.join(work, "saves", "sMNIST", "*", "*", "*testdat.txt")):
    shutil.copy(path, os.path.join(out, "testdat.txt"))
shutil.rmtree(work, ignore_errors=True)
