#!/usr/bin/python3
"""Writes a golden file with the schema of shared/golden/ref_golden.json but other sizes, seeds
and settings, computed in float64 NumPy/SciPy from the conventions that file documents (not from
the reference code). It exercises `nnrnn golden` on a file it was not written against.

Usage: python3 tools/make_heldout_golden.py OUT.json   (needs numpy and scipy)
"""
import json
import sys

import numpy as np
import scipy.linalg as sl

rng = np.random.default_rng(20261126)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def enc(a, dtype="float32"):
    a = np.asarray(a)
    if dtype == "int64":
        return {"shape": list(a.shape), "dtype": dtype, "data": a.astype(np.int64).tolist()}
    cast = a.astype(np.float32) if dtype == "float32" else a.astype(np.float64)
    return {"shape": list(a.shape), "dtype": dtype, "data": cast.tolist()}


def skew(L):
    U = np.triu(L, 1)
    return U - U.T


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def act(name, p):
    if name == "modrelu":
        return lambda z: np.sign(z) * np.maximum(np.abs(z) + p["nonlinearity.b"], 0)
    if name == "tanh":
        return np.tanh
    return lambda z: z


def nnrnn_parts(p, H):
    M = np.triu(np.ones((H, H)), 1)
    D = np.zeros((H, H))
    AB = np.zeros((H, H))
    for k in range(H // 2):
        th, al = p["theta_%d" % k][0], p["alpha_%d" % k][0]
        D[2 * k:2 * k + 2, 2 * k:2 * k + 2] = [[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]]
        AB[2 * k:2 * k + 2, 2 * k:2 * k + 2] = al
    return p["P"] @ (p["UppT"] * M + AB * D) @ p["P"].T, D, AB, M


def unroll(net, nl, p, x, H, h0=None):
    T, B, _ = x.shape
    h = np.zeros((B, H)) if h0 is None else h0
    c = np.zeros((B, H))
    hs, cs = [], []
    f = act(nl, p)
    if net == "nnRNN":
        W = nnrnn_parts(p, H)[0]
    for t in range(T):
        if net in ("RNN", "RNN-orth"):
            h = f(x[t] @ p["U.weight"].T + p["U.bias"] + h @ p["V.weight"].T)
        elif net == "nnRNN":
            h = f(x[t] @ p["U.weight"].T + h @ W)
        elif net == "expRNN":
            h = f(x[t] @ p["input_kernel.weight"].T + h @ p["recurrent_kernel"])
        else:
            z = np.concatenate([h, x[t]], 1)
            g = {k: z @ p["W%s.weight" % k].T + p["W%s.bias" % k] for k in "fiog"}
            c = sigmoid(g["f"]) * c + sigmoid(g["i"]) * np.tanh(g["g"])
            h = sigmoid(g["o"]) * np.tanh(c)
            cs.append(c)
        hs.append(h)
    return np.stack(hs), (np.stack(cs) if cs else None)


def fd(loss, p, names, eps=1e-6):
    out = {}
    for n in names:
        g = np.zeros_like(p[n])
        flat, gf = p[n].reshape(-1), g.reshape(-1)
        for k in range(flat.size):
            old = flat[k]
            flat[k] = old + eps
            up = loss(p)
            flat[k] = old - eps
            down = loss(p)
            flat[k] = old
            gf[k] = (up - down) / (2 * eps)
        out[n] = g
    return out


def cayley(n):
    s = rng.uniform(0, np.pi / 2, size=n // 2)
    s = -np.sqrt((1 - np.cos(s)) / (1 + np.cos(s)))
    d = np.zeros(n - 1)
    d[::2] = s
    A = np.diag(d, 1)
    return A - A.T


def log_grad(L, B, G):
    A = skew(L)
    BtG = B.T @ G
    F = B @ sl.expm_frechet(-A, 0.5 * (BtG - BtG.T), compute_expm=False)
    return np.triu(F - F.T, 1)


def rmsprop(p, g, lr, alpha, eps=1e-8, wd=0.0):
    g = g + wd * p
    v = (1 - alpha) * g * g
    return p - lr * g / (np.sqrt(v) + eps), v


def params(net, I, H, perturbed, modrelu):
    p = {}
    if net in ("RNN", "RNN-orth"):
        if modrelu:
            p["nonlinearity.b"] = rng.uniform(-0.01, 0.01, H)
        p["U.weight"] = rng.normal(0, 0.5, (H, I))
        p["U.bias"] = rng.uniform(-0.3, 0.3, H)
        p["V.weight"] = rng.normal(0, 1 / np.sqrt(H), (H, H))
    elif net == "nnRNN":
        p["log_P"] = cayley(H) + np.tril(rng.normal(0, 1, (H, H)), -1)   # lower triangle unused
        p["P"] = sl.expm(skew(p["log_P"]))
        p["UppT"] = rng.normal(0, 0.1, (H, H)) if perturbed else np.zeros((H, H))
        for k in range(H):
            p["theta_%d" % k] = rng.uniform(0, 2 * np.pi, 1)
        for k in range(H // 2):
            p["alpha_%d" % k] = 1 + (rng.normal(0, 0.1, 1) if perturbed else np.zeros(1))
        if modrelu:
            p["nonlinearity.b"] = rng.uniform(-0.01, 0.01, H)
        p["U.weight"] = rng.normal(0, 0.5, (H, I))
    elif net == "expRNN":
        p["log_recurrent_kernel"] = cayley(H) + 0.2 * np.triu(rng.normal(0, 1, (H, H)), 1)
        p["recurrent_kernel"] = sl.expm(skew(p["log_recurrent_kernel"]))
        p["input_kernel.weight"] = rng.normal(0, 0.5, (H, I))
        p["nonlinearity.b"] = rng.uniform(-0.01, 0.01, H)
    else:
        for k in "fiog":
            p["W%s.weight" % k] = rng.normal(0, 0.3, (H, H + I))
            p["W%s.bias" % k] = rng.uniform(-0.2, 0.2, H)
    # float32 parameters, as the reference stores them (P and the kernel from the float32 log)
    p = {k: f32(v) for k, v in p.items()}
    if net == "nnRNN":
        p["P"] = f32(sl.expm(skew(p["log_P"])))
    if net == "expRNN":
        p["recurrent_kernel"] = f32(sl.expm(skew(p["log_recurrent_kernel"])))
    return p


def cell_case(name, net, nl, I, H, B, T, perturbed=True):
    p = params(net, I, H, perturbed, nl == "modrelu" or net == "expRNN")
    x = f32(rng.normal(0, 1, (T, B, I)))
    C = f32(rng.normal(0, 1, (T, B, H)))
    loss = lambda q: float((unroll(net, nl, q, x, H)[0] * C).sum())
    h, cs = unroll(net, nl, p, x, H)
    order = list(p.keys())
    used = [n for n in order if not (n in ("log_P", "log_recurrent_kernel") or (n.startswith("theta_") and int(n[6:]) >= H // 2))]
    g = fd(loss, p, used)
    case = {"name": name, "net_type": net, "nonlinearity": nl if net != "LSTM" else "None",
            "sizes": {"input": I, "hidden": H, "batch": B, "steps": T}, "param_order": order,
            "params": {k: enc(v) for k, v in p.items()}, "x": enc(x), "loss_coeff_C": enc(C),
            "h": enc(h), "loss": loss(p), "grads": {k: (enc(g[k]) if k in g else None) for k in order}}
    if cs is not None:
        case["c"] = enc(cs)
    if net != "LSTM":
        h0 = {"h0": np.zeros((B, H))}
        case["first_hidden_grad"] = enc(fd(lambda q: float((unroll(net, nl, p, x, H, q["h0"])[0] * C).sum()), h0, ["h0"])["h0"])
    if net == "nnRNN":
        rec, D, AB, M = nnrnn_parts(p, H)
        case["nnrnn_internals"] = {"rec": enc(rec), "D": enc(D), "alpha_block": enc(AB), "M": enc(M)}
    if net in ("nnRNN", "expRNN"):
        ln, bn = ("log_P", "P") if net == "nnRNN" else ("log_recurrent_kernel", "recurrent_kernel")
        lg = f32(log_grad(p[ln], p[bn], g[bn]))
        new, v = rmsprop(p[ln], lg, 1e-3, 0.99)
        case["orthogonal_step"] = {
            "optimizer": "torch.optim.RMSprop([%s], lr=1e-3, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False), fresh state" % ln,
            "log_grad": enc(lg), "square_avg": enc(v), ln + "_new": enc(new),
            bn + "_new": enc(sl.expm(skew(f32(new)))), bn + "_grad_after": enc(np.zeros((H, H)))}
    return case


def update_case(name, net, H, T, c, B, hp):
    L, I, classes = T + 2 * c, 1, 9
    p = {"rnn." + k: v for k, v in params(net, I, H, True, hp["nonlin"] == "modrelu" or net == "expRNN").items()}
    p["lin.weight"] = f32(rng.normal(0, 0.3, (classes, H)))
    p["lin.bias"] = f32(rng.uniform(-0.1, 0.1, classes))
    sym = rng.integers(1, 9, (c, B))
    x = np.zeros((L, B, 1))
    x[:c, :, 0] = sym
    x[T + c - 1, :, 0] = 9
    y = np.zeros((L, B, 1), dtype=np.int64)
    y[T + c:, :, 0] = sym

    def forward(q):
        r = {k[4:]: v for k, v in q.items() if k.startswith("rnn.")}
        h = unroll(net, hp["nonlin"], r, x, H)[0]
        tot = 0.0
        logits = []
        for t in range(L):
            z = h[t] @ q["lin.weight"].T + q["lin.bias"]
            logits.append(z)
            z = z - z.max(1, keepdims=True)
            lsm = z - np.log(np.exp(z).sum(1, keepdims=True))
            tot += -lsm[np.arange(B), y[t, :, 0]].mean()
        tot /= L
        if net == "nnRNN":
            tot += hp["alam"] * sum((q["rnn.alpha_%d" % k][0] - 1) ** 2 for k in range(H // 2))
        return tot, h, np.stack(logits)

    loss = lambda q: forward(q)[0]
    total, h, logits = forward(p)
    order = list(p.keys())
    used = [n for n in order if not (n in ("rnn.log_P", "rnn.log_recurrent_kernel") or (n.startswith("rnn.theta_") and int(n[10:]) >= H // 2))]
    g = fd(loss, p, used)
    pred = logits[T + c:].argmax(-1)
    acc = float((pred == y[T + c:, :, 0]).mean())
    orth = [n for n in order if n in ("rnn.log_P", "rnn.log_recurrent_kernel")]
    plain = [n for n in order if n not in orth and n != "rnn.UppT" and n not in ("rnn.P", "rnn.recurrent_kernel")]
    groups = [{"optimizer": "optimizer", "group": 0, "lr": hp["lr"], "alpha": hp["alpha"], "eps": 1e-8, "weight_decay": 0, "params": plain}]
    if net == "nnRNN":
        groups.append({"optimizer": "optimizer", "group": 1, "lr": hp["lr"], "alpha": hp["alpha"], "eps": 1e-8, "weight_decay": hp["Tdecay"], "params": ["rnn.UppT"]})
    after = dict(p)
    olg = None
    for gr in groups:
        for n in gr["params"]:
            if n in g:
                after[n] = rmsprop(p[n], g[n], gr["lr"], gr["alpha"], 1e-8, gr["weight_decay"])[0]
    if orth:
        bn = "rnn.P" if net == "nnRNN" else "rnn.recurrent_kernel"
        lg = f32(log_grad(p[orth[0]], p[bn], g[bn]))
        olg = {"log_grad": enc(lg)}
        after[orth[0]] = rmsprop(p[orth[0]], lg, hp["lr_orth"], hp["alpha"])[0]
        after[bn] = sl.expm(skew(f32(after[orth[0]])))
        groups.append({"optimizer": "orthog_optimizer", "group": 0, "lr": hp["lr_orth"], "alpha": hp["alpha"], "eps": 1e-8, "weight_decay": 0, "params": orth})
    return {"name": name, "net_type": net, "sizes": {"T": T, "c_length": c, "seq_len": L, "batch": B, "input": I, "hidden": H, "classes": classes},
            "hparams": dict(hp, net_type=net, nhid=H), "param_groups": groups, "param_order": order,
            "params_before": {k: enc(v) for k, v in p.items()}, "x": enc(x), "y": enc(y, "int64"), "h": enc(h),
            "loss_reported": total, "accuracy": acc,
            "grads": {k: (enc(g[k]) if k in g else None) for k in order},
            "orthogonal_step_log_grad": olg, "params_after": {k: enc(v) for k, v in after.items()}}


def expm_case(scale, n):
    A = skew(rng.normal(0, 1, (n, n))) * scale
    E = rng.normal(0, 1, (n, n))
    A32, E32 = f32(A), f32(E)
    return {"scale": scale, "A": enc(A32), "A_float64": enc(A, "float64"), "E": enc(E32), "E_float64": enc(E, "float64"),
            "expm_float32": enc(sl.expm(A32)), "expm_float64": enc(sl.expm(A), "float64"),
            "expm_frechet_float32": enc(sl.expm_frechet(A32, E32, compute_expm=False)),
            "expm_frechet_float64": enc(sl.expm_frechet(A, E, compute_expm=False), "float64")}


def initializers(n):
    np.random.seed(0)
    sample = np.random.random_sample(n)
    np.random.seed(0)
    u1 = np.random.uniform(-np.pi, 0, size=n // 2)
    np.random.seed(0)
    u2 = np.random.uniform(0, np.pi / 2, size=n // 2)
    np.random.seed(0)
    normal = np.random.normal(size=(n, n))

    def diag(s):
        d = np.zeros(n - 1)
        d[::2] = s
        A = np.diag(d, 1)
        return A - A.T
    henaff = diag(u1)
    cay = diag(-np.sqrt((1 - np.cos(u2)) / (1 + np.cos(u2))))
    np.random.seed(0)
    while True:
        q, _ = np.linalg.qr(np.random.normal(size=(n, n)))
        q *= np.sign(np.diag(q))
        if np.linalg.det(q) >= 0:
            break
    A = sl.logm(q).real
    return {"raw_random_sample_after_seed0": enc(sample, "float64"),
            "raw_uniform_-pi_0_size%d_after_seed0" % (n // 2): enc(u1, "float64"),
            "raw_uniform_0_halfpi_size%d_after_seed0" % (n // 2): enc(u2, "float64"),
            "raw_standard_normal_%dx%d_after_seed0" % (n, n): enc(normal, "float64"),
            "henaff_init": {"call": "np.random.seed(0); henaff_init(%d)" % n, "output": enc(henaff)},
            "cayley_init": {"call": "np.random.seed(0); cayley_init(%d)" % n, "output": enc(cay)},
            "random_orthogonal_init": {"call": "np.random.seed(0); random_orthogonal_init(%d)" % n, "output": enc(A),
                                       "scipy_expm_of_output_float64": enc(sl.expm(f32(A)), "float64")}}


def main():
    hp = {"rinit": "cayley", "iinit": "xavier", "nonlin": "tanh", "lr": 5e-4, "lr_orth": 1e-4, "alpha": 0.9,
          "betas": [0.9, 0.999], "optimizer": "RMSprop", "alam": 0.01, "Tdecay": 1e-4}
    doc = {
        "description": "Held-out golden values computed in float64 NumPy/SciPy from the conventions of ref_golden.json",
        "generator": "tools/make_heldout_golden.py",
        "cells": [cell_case("RNN_tanh_h8", "RNN", "tanh", 2, 8, 3, 7),
                  cell_case("RNN_relu_is_linear_h4", "RNN", "relu", 3, 4, 2, 4),
                  cell_case("RNN-orth_modrelu_h6", "RNN-orth", "modrelu", 2, 6, 2, 5),
                  cell_case("nnRNN_modrelu_h8", "nnRNN", "modrelu", 2, 8, 3, 6),
                  cell_case("nnRNN_tanh_h10", "nnRNN", "tanh", 1, 10, 2, 5),
                  cell_case("expRNN_h8", "expRNN", "modrelu", 2, 8, 3, 6),
                  cell_case("LSTM_h5", "LSTM", "None", 3, 5, 2, 6)],
        "copytask_update": [update_case("copytask_update_RNN_h8", "RNN", 8, 4, 3, 3, hp),
                            update_case("copytask_update_nnRNN_h8", "nnRNN", 8, 5, 2, 2, hp),
                            update_case("copytask_update_expRNN_h6", "expRNN", 6, 3, 2, 2, dict(hp, nonlin="modrelu"))],
        "expm": [expm_case(s, 9) for s in (0.01, 0.5, 2.0, 20.0)],
        "initializers": initializers(10),
        "tolerances_suggested": {
            "float32_forward_and_grads": "rel 1e-4 / abs 1e-5 (float64 truth against a float32 port)",
            "orthogonal_step_and_expm_float32": "abs 3e-5 for log_grad and expm (float64 truth against a float32 port)",
            "expm_float64": "abs 1e-12"},
    }
    with open(sys.argv[1], "w") as f:
        json.dump(doc, f)


if __name__ == "__main__":
    main()
