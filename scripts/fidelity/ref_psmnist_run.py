#!/usr/bin/env python3
"""Runs the ORIGINAL sMNIST.py (its model, optimisers, loss and loop untouched) at a reduced budget.
Usage: /usr/bin/python3 ref_psmnist_run.py OUTDIR --train K --val V -- --permute --epochs E [sMNIST.py options]
Only the data plumbing is changed from outside:
  * torchvision's MNIST class reads Fashion-MNIST's IDX files (same format), put in a scratch root
    as its raw files, so it never downloads; the test set is cut to its first V images;
  * the train Subset keeps the first K indices of R[:50000] and the validation Subset the last V of
    R[50000:] (ours: --limit-train K --val-size V; V also = the test size, since sMNIST.py divides
    validation correct counts by len(testset));
  * DataLoader workers off (num_workers=0; one core per run);
  * nnRNN's alpha_loss is observed (its values go to OUTDIR/alpha.txt) so the train cross-entropy
    can be recovered from the printed train loss, which includes it.
Writes OUTDIR/log (the original's stdout), OUTDIR/alpha.txt and OUTDIR/log_test.txt."""
import glob, gzip, os, runpy, shutil, sys, tempfile
import reference

out = os.path.abspath(sys.argv[1]); opts = sys.argv[2:sys.argv.index('--')]; args = sys.argv[sys.argv.index('--') + 1:]
k = int(opts[opts.index('--train') + 1]); v = int(opts[opts.index('--val') + 1])
fashion = os.environ.get("NNRNN_FASHION_DIR", "/usr/share/datasets/fashion-mnist")
os.makedirs(out, exist_ok=True)
ref_dir, torch = reference.load()
import torch.utils.data, torchvision

work = tempfile.mkdtemp(prefix="ref_psmnist_")
raw = os.path.join(work, "MNIST", "MNIST", "raw"); os.makedirs(raw)
for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]:
    with gzip.open(os.path.join(fashion, name + ".gz")) as src, open(os.path.join(raw, name), "wb") as dst:
        shutil.copyfileobj(src, dst)

base_mnist = torchvision.datasets.MNIST
class MNIST(base_mnist):   # same class name: torchvision finds the raw files under ROOT/MNIST/raw
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        if not kw.get("train", True):
            self.data, self.targets = self.data[:v], self.targets[:v]
torchvision.datasets.MNIST = MNIST

base_subset = torch.utils.data.Subset
def subset(dataset, indices):
    # sMNIST.py makes the train part (R[:50000]) first, then validation (R[50000:])
    return base_subset(dataset, indices[:k] if len(indices) > 10000 else indices[-v:])
torch.utils.data.Subset = subset
base_loader = torch.utils.data.DataLoader
torch.utils.data.DataLoader = lambda *a, **kw: base_loader(*a, **{**kw, "num_workers": 0})

sys.path.insert(0, ref_dir)
import RNN_Cell
alphas = []
base_alpha_loss = RNN_Cell.OrthoRNNCell.alpha_loss if hasattr(RNN_Cell, "OrthoRNNCell") else None
if base_alpha_loss is not None:
    def alpha_loss(self, lam):
        value = base_alpha_loss(self, lam); alphas.append(float(value)); return value
    RNN_Cell.OrthoRNNCell.alpha_loss = alpha_loss

os.chdir(work)
sys.argv = ["sMNIST.py"] + args
with open(os.path.join(out, "log"), "w") as f:
    sys.stdout = f
    try:
        runpy.run_path(os.path.join(ref_dir, "sMNIST.py"), run_name="__main__")
    finally:
        sys.stdout = sys.__stdout__
        with open(os.path.join(out, "alpha.txt"), "w") as a:
            a.write("\n".join(repr(x) for x in alphas) + "\n")
for path in glob.glob(os.path.join(work, "saves", "**", "log_test.txt"), recursive=True):
    shutil.copy(path, os.path.join(out, "log_test.txt"))
shutil.rmtree(work, ignore_errors=True)
