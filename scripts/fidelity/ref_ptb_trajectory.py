#!/usr/bin/env python3
"""PTB parity trajectories from the ORIGINAL language_task.py: its RNNModel, select_network,
select_optimizer and its own train() and evaluate() functions, taken from the exported reference
(the class and function definitions are compiled from language_task.py's source at run time: the
script itself trains at import, so it cannot be imported). train() runs unmodified on a training
text cut to K windows, so one call is K updates with the hidden state carried (detached) from
window to window exactly as language_task.py carries it.

Records per net type: the sizes and hyper-parameters, the batchified training rows it reads
([K·bptt + 1, batch] token ids), the initial parameters, the loss of every update (loss_act, the
cross-entropy language_task.py logs), the parameters after the first and after the last update,
and evaluate() on a short batchified validation text after the K updates.

The output's "ptb_trajectories" section is what `nnrnn golden` checks (tests/NnRnn.Tests/Fixtures/
ref_ptb_trajectory.json is this script with its defaults). With --windows 0 --eval-rows 0 at the
fidelity size (--nhid 128 --emsize 200 --bptt 150 --batch 128) it is one whole first epoch of a
fidelity run, and --init-from starts it from other parameters (e.g. ours' draw for a seed).

Usage: /usr/bin/python3 ref_ptb_trajectory.py --out ptb_trajectory.json [--data ../shared/data/ptb]
       [--nets expRNN,nnRNN] [--nhid 32] [--emsize 16] [--bptt 20] [--batch 4] [--windows 5]
       [--eval-rows 41] [--seed 400] [--init-from PARAMS.json]
Single-threaded, OpenBLAS-openmp, torch 1.13 shims (scripts/fidelity/reference.py)."""
import argparse, ast, json, os, sys, tempfile, warnings
import reference
from reference import ref_compat

p = argparse.ArgumentParser()
p.add_argument("--out", required=True)
p.add_argument("--data", default=os.path.join(reference.SHARED, "data", "ptb"), help="folder with ptb.char.valid.txt (the training text here)")
p.add_argument("--nets", default="expRNN,nnRNN")
p.add_argument("--nhid", type=int, default=32)
p.add_argument("--emsize", type=int, default=16)
p.add_argument("--bptt", type=int, default=20)
p.add_argument("--batch", type=int, default=4)
p.add_argument("--windows", type=int, default=5, help="training windows (0: the whole epoch, its last window shorter)")
p.add_argument("--eval-rows", type=int, default=41, help="rows of the batchified (10 columns) validation text evaluated (0: all)")
p.add_argument("--seed", type=int, default=400)
p.add_argument("--init-from", help="JSON {reference name: tensor} of initial parameters to start from instead of the model's own draw "
               "(expRNN's recurrent_kernel is then rebuilt as expm of the loaded log, as reset_parameters does)")
A = p.parse_args()

ref_dir, torch = reference.load()
import numpy as np  # noqa: E402
import torch.nn as nn  # noqa: E402
warnings.filterwarnings("ignore", category=RuntimeWarning)   # train()'s np.mean([]) with no log interval reached
import utils as ref_utils  # noqa: E402

# The seed's PTB rows (scripts/fidelity/ptb_args.sh) with language_task.py's defaults where they are silent.
HP = {
    "expRNN": dict(rinit="cayley", optimizer="RMSprop", alpha=0.9, lr=1e-3, lr_orth=1e-4, alam=1.0, Tdecay=1e-4),
    "nnRNN": dict(rinit="cayley", optimizer="Adam", alpha=0.9, lr=2e-3, lr_orth=2e-4, alam=1e-4, Tdecay=1e-5),
}


def reference_definitions():
    """language_task.py's classes and functions (not its module-level script), compiled from its source."""
    path = os.path.join(ref_dir, "language_task.py")
    tree = ast.parse(open(path).read(), path)
    tree.body = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom, ast.ClassDef, ast.FunctionDef))]
    scope = {"__name__": "language_task_defs"}
    exec(compile(tree, path, "exec"), scope)
    return scope


def T(t):
    t = t.detach().cpu()
    return {"shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
            "data": [float("%.9g" % v) for v in t.reshape(-1).tolist()]}


def params(model):
    return {n: T(q) for n, q in model.named_parameters()}


def corpus_folder():
    """train.txt = ptb.char.valid.txt; valid.txt = the first 1/16 of ptb.char.test.txt's lines and test.txt the next (as ptb_args.sh)."""
    work = tempfile.mkdtemp(prefix="ref_ptb_traj_")
    lines = open(os.path.join(A.data, "ptb.char.test.txt")).readlines()
    part = len(lines) // 16
    open(os.path.join(work, "train.txt"), "w").write(open(os.path.join(A.data, "ptb.char.valid.txt")).read())
    open(os.path.join(work, "valid.txt"), "w").writelines(lines[:part])
    open(os.path.join(work, "test.txt"), "w").writelines(lines[part:2 * part])
    return work


def trajectory(defs, corpus, net_type):
    hp = HP[net_type]
    args = argparse.Namespace(net_type=net_type, nhid=A.nhid, emsize=A.emsize, bptt=A.bptt, batch=A.batch, cuda=False,
                              tied=False, iinit="kaiming", nonlin="modrelu", betas=(0.0, 0.9), log_interval=10 ** 9, **hp)
    np.random.seed(A.seed); torch.manual_seed(A.seed)          # as language_task.py, before the model
    ntokens = len(corpus.dictionary)
    with ref_compat.stdout_to_stderr():
        rnn = ref_utils.select_network(args, args.emsize)
        model = defs["RNNModel"](rnn, ntokens, args.emsize, args.nhid, args.tied)
    if A.init_from:
        loaded = json.load(open(A.init_from))
        with torch.no_grad():
            for n, q in model.named_parameters():
                if n in loaded: q.copy_(torch.tensor(loaded[n]["data"], dtype=q.dtype).reshape(q.shape))
            if net_type == "expRNN": model.rnn.recurrent_kernel.data = model.rnn._B(gradients=False)
    optimizer, orthog_optimizer = ref_utils.select_optimizer(model, args)
    columns = corpus.train.size(0) // args.batch
    train_data = corpus.train[:columns * args.batch].view(args.batch, -1).t().contiguous()
    if A.windows > 0: train_data = train_data[:A.windows * A.bptt + 1]
    windows = len(range(0, train_data.size(0) - 1, args.bptt))
    val_data = corpus.valid[:(corpus.valid.size(0) // 10) * 10].view(10, -1).t().contiguous()
    if A.eval_rows > 0: val_data = val_data[:A.eval_rows]

    before = params(model)
    losses, snapshots = [], []
    step = optimizer.step

    def recorded_step(*a, **k):                                 # optimizer.step ends each update in train()
        result = step(*a, **k)
        snapshots.append(params(model) if len(snapshots) in (0, windows - 1) else None)
        return result
    optimizer.step = recorded_step

    class Criterion(nn.CrossEntropyLoss):                      # loss_act of each update (train) / window (evaluate)
        def forward(self, input, target):
            loss = super().forward(input, target)
            if model.training: losses.append(loss.item())
            return loss
    g = defs["train"].__globals__
    g.update(args=args, model=model, train_data=train_data, corpus=corpus, NET_TYPE=net_type, alam=args.alam,
             criterion=Criterion(), epoch=1, lr=args.lr)
    with ref_compat.stdout_to_stderr():
        defs["train"](optimizer, orthog_optimizer)
        val_loss, val_acc = defs["evaluate"](val_data)
    assert len(losses) == windows, (len(losses), windows)
    return {"name": "ptb_trajectory_%s" % net_type, "net_type": net_type,
            "sizes": {"vocabulary": ntokens, "emsize": A.emsize, "hidden": A.nhid, "bptt": A.bptt, "batch": A.batch,
                      "windows": windows, "eval_batch": 10},
            "hparams": {k: v for k, v in vars(args).items() if k not in ("cuda", "log_interval")},
            "params_before": before,
            "train_rows": train_data.tolist(),
            "loss_per_update": losses,
            "params_after_first": snapshots[0],
            "params_after": snapshots[-1],
            "valid_rows": val_data.tolist(),
            "valid_loss": val_loss, "valid_accuracy": val_acc,
            "update": "language_task.py train(): per window hidden.detach() (+ nnRNN calc_rec); zero_grad; forward; "
                      "loss_act = CE mean over the window (+ nnRNN alpha_loss); backward; orthogonal_step; optimizer.step",
            "valid_note": "language_task.py evaluate() after the K updates, from a zero state: sum over windows of "
                          "len(window)·mean CE, divided by the number of ROWS of the text (not rows − 1)"}


defs = reference_definitions()
folder = corpus_folder()
corpus = defs["Corpus"](folder)
doc = {"description": "PTB character training trajectories from the original language_task.py (torch 1.13, CPU, float32)",
       "generator": "scripts/fidelity/ref_ptb_trajectory.py", "host": ref_compat.host_info(),
       "vocabulary": corpus.dictionary.idx2word,
       "data": "train.txt = ptb.char.valid.txt, valid.txt = first 1/16 of ptb.char.test.txt's lines (scripts/fidelity/ptb_args.sh)",
       "ptb_trajectories": [trajectory(defs, corpus, n) for n in A.nets.split(",")]}
json.dump(doc, open(A.out, "w"))
for t in doc["ptb_trajectories"]:
    print(t["net_type"], " ".join("%.6f" % v for v in t["loss_per_update"]), "valid %.6f" % t["valid_loss"], file=sys.stderr)
