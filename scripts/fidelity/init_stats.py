#!/usr/bin/env python3
"""Per-parameter statistics of the ORIGINAL code's initial parameters, over many seeds, for the
init-distribution test (tests/NnRnn.Tests/Fixtures/init_stats.json). Regenerate with:
  NNRNN_REF_MIRROR=/path/to/ndminhkhoi46+nnRNN/repo /usr/bin/python3 scripts/fidelity/init_stats.py \
      tests/NnRnn.Tests/Fixtures/init_stats.json
The original is imported from its exported snapshot (../shared/bench/ref_compat.py), never copied.
Models are built as copytask.py builds them (utils.select_network, then the read-out Linear(N, 9)
with xavier_normal_ weights), with the seed's copy-task initialisers. Names are ours (see
src/NnRnn.Golden/ReferenceNames.cs): theta_k / alpha_k are pooled into theta (the N/2 used) / gamma;
skew(...) and expm(...) are the skew coordinate and the orthogonal matrix.
The "ptb" section: the PTB language models as language_task.py builds them (utils.select_network with
its defaults --iinit kaiming and the seed's --rinit cayley, inside its RNNModel: Embedding(vocabulary,
emsize) and decoder Linear(N, vocabulary), both U(-0.1, 0.1), decoder bias 0), RNNModel compiled from
language_task.py's source (the script trains at import)."""
import argparse, ast, json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "shared", "bench"))
import ref_compat
ref_compat.set_thread_env(1)
ref_compat.ensure_ref()
import numpy as np
import torch
ref_compat.apply_torch_shims()
ref_compat.fix_nnrnn_log_p_init("rinit")
import utils  # the original's utils.py

N, SEEDS, OUT = 16, 40, 9
MODELS = {"RNN": ("RNN", "xavier"), "RNN-orth": ("RNN", "random"), "expRNN": ("expRNN", "henaff"),
          "nnRNN": ("nnRNN", "cayley"), "LSTM": ("LSTM", "xavier")}


def ours(model, named):
    """{our name: float64 array} from the original's named parameters."""
    out, theta, gamma = {}, {}, {}
    for name, p in named:
        v = p.detach().double().numpy()
        n = name[len("rnn."):] if name.startswith("rnn.") else None
        if n is None: out[name] = v; continue
        if n.startswith("theta_"):
            k = int(n[6:]);  theta[k] = v[0]
            continue
        if n.startswith("alpha_"): gamma[int(n[6:])] = v[0]; continue
        if n in ("log_P", "log_recurrent_kernel"):
            a = np.triu(v, 1); out["skew(rnn.%s)" % ("P.log" if n == "log_P" else "orthogonal.log")] = a - a.T
            continue
        if n == "P": out["expm(rnn.P.log)"] = v; continue
        if n == "recurrent_kernel": out["expm(rnn.orthogonal.log)"] = v; continue
        out["rnn." + {"UppT": "T", "input_kernel.weight": "U.weight"}.get(n, n)] = v
    if theta: out["rnn.theta"] = np.array([theta[k] for k in range(N // 2)])
    if gamma: out["rnn.gamma"] = np.array([gamma[k] for k in range(N // 2)])
    if model == "RNN-orth": out["expm(rnn.V.weight)"] = out.pop("rnn.V.weight")
    return out


PTB_EMSIZE, PTB_VOCABULARY = 8, 50
PTB_MODELS = {"expRNN": ("expRNN", "cayley"), "nnRNN": ("nnRNN", "cayley")}


def rnn_model_class():
    """language_task.py's RNNModel (its classes only, not its module-level script)."""
    path = os.path.join(ref_compat.DEFAULT_REF_DIR, "language_task.py")
    tree = ast.parse(open(path).read(), path)
    tree.body = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom, ast.ClassDef))]
    scope = {"__name__": "language_task_defs"}
    exec(compile(tree, path, "exec"), scope)
    return scope["RNNModel"]


def stats(v, orthogonal):
    s = {"mean": float(v.mean()), "std": float(v.std()), "min": float(v.min()), "max": float(v.max())}
    if orthogonal: s["orth"] = float(np.abs(v.T @ v - np.eye(v.shape[0])).max())
    return s


def main():
    out_path = sys.argv[1]
    result = {"hidden": N, "input": 1, "outputs": OUT, "seeds": SEEDS, "reference_commit": ref_compat.REF_COMMIT, "models": {}}
    for model, (net, rinit) in MODELS.items():
        per = {}
        for seed in range(SEEDS):
            torch.manual_seed(seed); np.random.seed(seed)
            args = argparse.Namespace(net_type=net, nhid=N, nonlin="modrelu", cuda=False, rinit=rinit, iinit="xavier")
            rnn = utils.select_network(args, 1)
            lin = torch.nn.Linear(N, OUT); torch.nn.init.xavier_normal_(lin.weight)
            named = [("rnn." + k, p) for k, p in rnn.named_parameters()] + [("lin." + k, p) for k, p in lin.named_parameters()]
            for name, v in ours(model, named).items():
                for k, x in stats(v, name.startswith("expm(")).items():
                    per.setdefault(name, {}).setdefault(k, []).append(x)
        result["models"][model] = {name: {k: {"mean": float(np.mean(xs)), "sd": float(np.std(xs, ddof=1))} for k, xs in d.items()}
                                   for name, d in per.items()}
    RNNModel = rnn_model_class()
    ptb = {"hidden": N, "emsize": PTB_EMSIZE, "vocabulary": PTB_VOCABULARY, "seeds": SEEDS, "models": {}}
    for model, (net, rinit) in PTB_MODELS.items():
        per = {}
        for seed in range(SEEDS):
            torch.manual_seed(seed); np.random.seed(seed)
            args = argparse.Namespace(net_type=net, nhid=N, nonlin="modrelu", cuda=False, rinit=rinit, iinit="kaiming")
            lm = RNNModel(utils.select_network(args, PTB_EMSIZE), PTB_VOCABULARY, PTB_EMSIZE, N)
            for name, v in ours(model, list(lm.named_parameters())).items():
                for k, x in stats(v, name.startswith("expm(")).items():
                    per.setdefault(name, {}).setdefault(k, []).append(x)
        ptb["models"][model] = {name: {k: {"mean": float(np.mean(xs)), "sd": float(np.std(xs, ddof=1))} for k, xs in d.items()}
                                for name, d in per.items()}
    result["ptb"] = ptb
    with open(out_path, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    import contextlib, io
    with contextlib.redirect_stdout(io.StringIO()):  # the original prints as it builds
        main()
