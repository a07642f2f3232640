#!/usr/bin/env python3
"""The ORIGINAL code's initial parameters, value for value, for a few seeds: what `--init original`
must reproduce when it is given the same seed (tests/NnRnn.Tests/Fixtures/init_draws.json).
Each model is built as init_stats.py builds it (copytask.py's select_network + read-out
Linear(N, 9) with xavier_normal_; language_task.py's RNNModel for the "ptb" section) right after
torch.manual_seed(seed) and np.random.seed(seed), as the original scripts seed before the model.
Names are ours (init_stats.ours). Each copy model also records "next_symbols", the next
np.random.randint(8, size=10) after the model is built: copytask.py draws its batches from the same
numpy stream, so ours must leave that stream where the original leaves it. "copy_batch" is
copytask.py's own create_dataset(2, T=5) (its function compiled from its source) after
np.random.seed(400). Regenerate with:
  NNRNN_REF_MIRROR=/path/to/ndminhkhoi46+nnRNN/repo /usr/bin/python3 scripts/fidelity/init_draws.py \
      tests/NnRnn.Tests/Fixtures/init_draws.json"""
import argparse, ast, contextlib, io, json, os, sys
import init_stats as S
from init_stats import np, torch, utils

SEEDS = [400, 401]
COPY = {"RNN": ("RNN", "xavier"), "RNN-orth": ("RNN", "random"), "expRNN": ("expRNN", "henaff"),
        "expRNN-random": ("expRNN", "random"), "nnRNN": ("nnRNN", "cayley"), "LSTM": ("LSTM", "xavier")}


def values(model, named):
    return {name: {"shape": list(v.shape), "data": [float(x) for x in np.asarray(v, dtype=np.float64).reshape(-1)]}
            for name, v in S.ours(model, named).items()}


def main():
    out = {"hidden": S.N, "input": 1, "outputs": S.OUT, "seeds": SEEDS, "reference_commit": S.ref_compat.REF_COMMIT,
           "copy": {}, "ptb": {"emsize": S.PTB_EMSIZE, "vocabulary": S.PTB_VOCABULARY, "models": {}}}
    for model, (net, rinit) in COPY.items():
        out["copy"][model] = {"net_type": net, "rinit": rinit, "iinit": "xavier", "seeds": {}}
        for seed in SEEDS:
            torch.manual_seed(seed); np.random.seed(seed)
            args = argparse.Namespace(net_type=net, nhid=S.N, nonlin="modrelu", cuda=False, rinit=rinit, iinit="xavier")
            rnn = utils.select_network(args, 1)
            lin = torch.nn.Linear(S.N, S.OUT); torch.nn.init.xavier_normal_(lin.weight)
            named = [("rnn." + k, p) for k, p in rnn.named_parameters()] + [("lin." + k, p) for k, p in lin.named_parameters()]
            out["copy"][model]["seeds"][str(seed)] = values(model.split("-random")[0], named)
            out["copy"][model]["seeds"][str(seed)]["next_symbols"] = {"shape": [10], "data": [float(v) for v in np.random.randint(8, size=10)]}
    RNNModel = S.rnn_model_class()
    for model, (net, rinit) in S.PTB_MODELS.items():
        out["ptb"]["models"][model] = {"net_type": net, "rinit": rinit, "iinit": "kaiming", "seeds": {}}
        for seed in SEEDS:
            torch.manual_seed(seed); np.random.seed(seed)
            args = argparse.Namespace(net_type=net, nhid=S.N, nonlin="modrelu", cuda=False, rinit=rinit, iinit="kaiming")
            lm = RNNModel(utils.select_network(args, S.PTB_EMSIZE), S.PTB_VOCABULARY, S.PTB_EMSIZE, S.N)
            out["ptb"]["models"][model]["seeds"][str(seed)] = values(model, list(lm.named_parameters()))
    scope = copytask_definitions()
    np.random.seed(400)
    x, y = scope["create_dataset"](2, 5, 10)
    out["copy_batch"] = {"seed": 400, "size": 2, "T": 5, "c_length": 10, "x": x.squeeze(-1).tolist(), "y": y.squeeze(-1).tolist()}
    return out


def copytask_definitions():
    """copytask.py's batch functions (not its module-level script), compiled from its source."""
    path = os.path.join(S.ref_compat.DEFAULT_REF_DIR, "copytask.py")
    tree = ast.parse(open(path).read(), path)
    tree.body = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)) or
                 (isinstance(n, ast.FunctionDef) and n.name in ("generate_copying_sequence", "create_dataset"))]
    scope = {"__name__": "copytask_defs"}
    exec(compile(tree, path, "exec"), scope)
    return scope


if __name__ == "__main__":
    with contextlib.redirect_stdout(io.StringIO()):  # the original prints as it builds
        doc = main()
    with open(sys.argv[1], "w") as f:
        json.dump(doc, f, indent=None, separators=(",", ":"))
