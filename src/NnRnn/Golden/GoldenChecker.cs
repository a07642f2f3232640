using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NnRnn.Cells;
using NnRnn.Optim;
using NnRnn.Orthogonal;
using NnRnn.Tasks;
using NnRnn.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Golden;

/// <summary>
/// Checks our implementation against a golden file of the schema of <c>ref_golden.json</c>
/// (values computed by the original PyTorch code): cell forward passes and gradients on both
/// unroll paths, the orthogonal step on both gradient routes, full copy-task updates, expm and
/// its Fréchet derivative, and the initialisers. Sizes, seeds and values are read from the file.
/// </summary>
public sealed class GoldenChecker
{
    private readonly JsonElement root;
    private readonly Tolerance forward;
    private readonly Tolerance orthogonal;
    private readonly Tolerance expm64;

    public GoldenChecker(JsonElement root)
    {
        this.root = root;
        forward = Tolerance.FromSuggestion(root, "float32_forward_and_grads", new(1e-6, 1e-5));
        orthogonal = Tolerance.FromSuggestion(root, "orthogonal_step_and_expm_float32", new(1e-5, 0));
        expm64 = Tolerance.FromSuggestion(root, "expm_float64", new(1e-12, 0));
    }

    /// <summary>Reads and checks a golden file; one <see cref="CaseResult"/> per case.</summary>
    public static List<CaseResult> CheckFile(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new GoldenChecker(doc.RootElement).CheckAll();
    }

    public List<CaseResult> CheckAll()
    {
        var results = new List<CaseResult>();
        foreach (var c in Items("cells"))
            foreach (var mode in new[] { UnrollMode.Fused, UnrollMode.StepByStep })
                results.Add(Guard($"{Name(c)}[{ModeName(mode)}]", r => CheckCell(c, mode, r)));
        foreach (var u in Items("copytask_update"))
            foreach (var mode in new[] { UnrollMode.Fused, UnrollMode.StepByStep })
                results.Add(Guard($"{Name(u)}[{ModeName(mode)}]", r => CheckUpdate(u, mode, r)));
        foreach (var e in Items("expm"))
            results.Add(Guard($"expm[scale={e.GetProperty("scale").GetDouble().ToString(CultureInfo.InvariantCulture)}]", r => CheckExpm(e, r)));
        if (root.TryGetProperty("initializers", out var init))
            results.Add(Guard("initializers", r => CheckInitializers(init, r)));
        return results;
    }

    private IEnumerable<JsonElement> Items(string key)
        => root.TryGetProperty(key, out var arr) && arr.ValueKind == JsonValueKind.Array ? arr.EnumerateArray() : Enumerable.Empty<JsonElement>();

    private static string Name(JsonElement e) => e.GetProperty("name").GetString()!;

    private static string ModeName(UnrollMode m) => m == UnrollMode.Fused ? "fused" : "steps";

    private static CaseResult Guard(string name, Action<CaseResult> check)
    {
        var result = new CaseResult(name);
        try
        {
            using var scope = NewDisposeScope();
            check(result);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            result.Error = ex.Message.Split('\n')[0];
        }
        return result;
    }

    // ---- cells -------------------------------------------------------------------------------

    private static RecurrentCell BuildCell(string netType, long input, long hidden, string nonlin, OrthogonalGradient route)
    {
        var rinit = netType is "nnRNN" or "expRNN" or "RNN-orth" ? "cayley" : "xavier";
        return CellFactory.Create(new CellSpec(netType, input, hidden, ReferenceActivation(netType, nonlin), rinit, "xavier", Alam: 0, Gradient: route));
    }

    /// <summary>
    /// The activation the reference actually applied (see the file's quirks): expRNN always uses
    /// modReLU; RNN and nnRNN given relu end up with none; "None" means none.
    /// </summary>
    public static string ReferenceActivation(string netType, string nonlin)
    {
        var name = nonlin.ToLowerInvariant();
        return netType switch
        {
            "LSTM" => "none",
            "expRNN" => "modrelu",
            _ when name is "relu" or "none" or "" => "none",
            _ => name,
        };
    }

    /// <summary>Copies reference parameters into our module (prefix "rnn." stripped for the cell).</summary>
    private static void Load(nn.Module module, string netType, long hidden, JsonElement parameters, string prefix)
    {
        var ours = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var _ = no_grad();
        foreach (var p in parameters.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Null) continue;
            var name = p.Name;
            string target;
            int? index = null;
            if (prefix.Length > 0 && name.StartsWith(prefix))
            {
                var loc = ReferenceNames.Map(netType, name[prefix.Length..], hidden);
                if (loc.Name is null) continue;
                (target, index) = (prefix + loc.Name, loc.Index);
            }
            else if (prefix.Length == 0)
            {
                var loc = ReferenceNames.Map(netType, name, hidden);
                if (loc.Name is null) continue;
                (target, index) = (loc.Name, loc.Index);
            }
            else target = name;
            if (!ours.TryGetValue(target, out var param))
                throw new InvalidDataException($"reference parameter '{name}' has no counterpart '{target}'");
            var value = GoldenTensor.Read(p.Value, param.dtype);
            if (index is int k) param[k] = value.reshape(-1)[0];
            else param.copy_(value.reshape(param.shape));
        }
    }

    /// <summary>Our gradient for a reference parameter, or null when it has none here.</summary>
    private static Tensor? OurGradient(nn.Module module, RecurrentCell cell, string netType, long hidden, string refName, string prefix)
    {
        var bare = prefix.Length > 0 && refName.StartsWith(prefix) ? refName[prefix.Length..] : refName;
        var loc = prefix.Length > 0 && !refName.StartsWith(prefix) ? new ParameterLocation(refName) : ReferenceNames.Map(netType, bare, hidden);
        if (loc.Unused) return null;
        if (loc.IsOrthogonalMatrix) return cell.OrthogonalFactors().Single().Matrix().grad;
        var full = (prefix.Length > 0 && refName.StartsWith(prefix) ? prefix : "") + loc.Name;
        var param = module.named_parameters().First(p => p.name == full).parameter;
        var grad = param.grad;
        if (grad is null) return null;
        return loc.Index is int k ? grad.reshape(-1)[k].reshape(1) : grad;
    }

    private void CheckCell(JsonElement c, UnrollMode mode, CaseResult r)
    {
        var net = CellFactory.Canonical(c.GetProperty("net_type").GetString()!);
        var sizes = c.GetProperty("sizes");
        long input = sizes.GetProperty("input").GetInt64(), hidden = sizes.GetProperty("hidden").GetInt64();
        var nonlin = c.TryGetProperty("nonlinearity", out var nl) && nl.ValueKind == JsonValueKind.String ? nl.GetString()! : "none";
        foreach (var route in RoutesFor(net))
        {
            using var scope = NewDisposeScope();
            var cell = BuildCell(net, input, hidden, nonlin, route);
            Load(cell, net, hidden, c.GetProperty("params"), "");
            var x = GoldenTensor.Read(c.GetProperty("x"), ScalarType.Float32);
            var coeff = GoldenTensor.Read(c.GetProperty("loss_coeff_C"), ScalarType.Float32);
            var initial = cell.InitialState(x.shape[1]);
            initial.Hidden.requires_grad_(true);
            var (h, cells) = Unroll(cell, x, initial, mode);
            var loss = (h * coeff).sum();
            loss.backward();
            var tag = route == OrthogonalGradient.Autograd ? "autograd." : "";
            if (route == OrthogonalGradient.Frechet || !HasOrthogonal(net))
            {
                r.Add("h", forward.Compare(h, GoldenTensor.Read(c.GetProperty("h"))));
                if (cells is not null && GoldenTensor.ReadOptional(c, "c") is { } cWant) r.Add("c", forward.Compare(cells, cWant));
                r.Add("loss", forward.Compare(loss, tensor(c.GetProperty("loss").GetDouble())));
                foreach (var g in c.GetProperty("grads").EnumerateObject())
                {
                    if (g.Value.ValueKind == JsonValueKind.Null) continue;
                    var ours = OurGradient(cell, cell, net, hidden, g.Name, "");
                    r.Add("grad." + g.Name, ours is null ? (double.PositiveInfinity, false) : forward.Compare(ours, GoldenTensor.Read(g.Value)));
                }
                if (GoldenTensor.ReadOptional(c, "first_hidden_grad") is { } h0Want)
                    r.Add("grad.h0", forward.Compare(initial.Hidden.grad ?? zeros_like(h0Want), h0Want));
                if (net == "nnRNN" && c.TryGetProperty("nnrnn_internals", out var internals))
                    CheckNnRnnInternals((NnRnnCell)cell, internals, r);
            }
            if (c.TryGetProperty("orthogonal_step", out var step) && step.ValueKind == JsonValueKind.Object)
                CheckOrthogonalStep(cell, net, c, step, route, tag, r);
        }
    }

    private static bool HasOrthogonal(string net) => net is "nnRNN" or "expRNN";

    private static IEnumerable<OrthogonalGradient> RoutesFor(string net)
        => HasOrthogonal(net) ? new[] { OrthogonalGradient.Frechet, OrthogonalGradient.Autograd } : new[] { OrthogonalGradient.Frechet };

    /// <summary>Hidden states [T,B,N] (and LSTM cell states) on the chosen path.</summary>
    private static (Tensor H, Tensor? C) Unroll(RecurrentCell cell, Tensor x, RecurrentState initial, UnrollMode mode)
    {
        if (mode == UnrollMode.Fused || cell is not LstmCell)
            return (SequenceRunner.Run(cell, x, initial, mode).Outputs, null);
        var recurrence = cell.Prepare();
        var state = initial;
        var hs = new List<Tensor>();
        var cs = new List<Tensor>();
        for (long t = 0; t < x.shape[0]; t++)
        {
            state = recurrence.Step(x[t], state);
            hs.Add(state[0]);
            cs.Add(state[1]);
        }
        return (stack(hs), stack(cs));
    }

    private void CheckNnRnnInternals(NnRnnCell cell, JsonElement internals, CaseResult r)
    {
        using var _ = no_grad();
        if (GoldenTensor.ReadOptional(internals, "rec") is { } rec)
            r.Add("rec", forward.Compare(cell.RecurrentMatrix(), rec));
        var theta = cell.named_parameters().First(p => p.name == "theta").parameter;
        if (GoldenTensor.ReadOptional(internals, "D") is { } d)
            r.Add("D", forward.Compare(NnRnnCell.BlockRotation(theta, ones_like(theta)), d));
        if (GoldenTensor.ReadOptional(internals, "M") is { } m)
            r.Add("M", new Tolerance(0, 0).Compare(ones(m.shape[0], m.shape[1]).triu(1), m));
    }

    private void CheckOrthogonalStep(RecurrentCell cell, string net, JsonElement c, JsonElement step,
        OrthogonalGradient route, string tag, CaseResult r)
    {
        var factor = cell.OrthogonalFactors().Single();
        var logName = net == "nnRNN" ? "log_P" : "log_recurrent_kernel";
        var matrixName = net == "nnRNN" ? "P" : "recurrent_kernel";
        if (route == OrthogonalGradient.Frechet)
        {
            // The stored orthogonal matrix is expm(skew(log)) of the stored log.
            using (no_grad())
                r.Add("orth.B_is_expm_of_log", orthogonal.Compare(factor.Matrix(), GoldenTensor.Read(c.GetProperty("params").GetProperty(matrixName))));
        }
        factor.BackpropagateToLog();
        r.Add(tag + "orth.log_grad", orthogonal.Compare(factor.Log.grad ?? zeros_like(factor.Log), GoldenTensor.Read(step.GetProperty("log_grad"))));
        if (route != OrthogonalGradient.Frechet) return;
        var matrixGrad = factor.Matrix().grad;
        r.Add("orth.B_grad_zeroed", new Tolerance(0, 0).Compare(matrixGrad ?? zeros_like(factor.Matrix()), GoldenTensor.Read(step.GetProperty(matrixName + "_grad_after"))));

        // Staged (see the file's quirks): RMSprop on the golden log gradient, then expm of the golden new log.
        using (no_grad()) factor.Log.grad!.copy_(GoldenTensor.Read(step.GetProperty("log_grad"), factor.Log.dtype));
        using (var opt = OrthogonalStepOptimizer(step, factor.Log))
            opt.step();
        r.Add("orth.log_new", new Tolerance(1e-7, 1e-6).Compare(factor.Log, GoldenTensor.Read(step.GetProperty(logName + "_new"))));
        using (no_grad())
        {
            factor.Log.copy_(GoldenTensor.Read(step.GetProperty(logName + "_new"), factor.Log.dtype));
            factor.Refresh();
            r.Add("orth.B_new", orthogonal.Compare(factor.Matrix(), GoldenTensor.Read(step.GetProperty(matrixName + "_new"))));
        }
    }

    /// <summary>The fresh optimizer the file's orthogonal step describes, e.g. "torch.optim.RMSprop([log_P], lr=1e-3, alpha=0.99, ...)".</summary>
    private static OptimizerHelper OrthogonalStepOptimizer(JsonElement step, Parameter log)
    {
        var text = step.TryGetProperty("optimizer", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : "";
        double Read(string key, double fallback)
        {
            var m = Regex.Match(text, @"\b" + key + @"\s*=\s*\(?\s*([-0-9.]+(?:[eE][-+]?[0-9]+)?)");
            return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : fallback;
        }
        double lr = Read("lr", 1e-3), eps = Read("eps", 1e-8), decay = Read("weight_decay", 0);
        if (text.Contains("Adam"))
        {
            var betas = Regex.Match(text, @"betas\s*=\s*\(\s*([-0-9.eE+]+)\s*,\s*([-0-9.eE+]+)\s*\)");
            double b1 = betas.Success ? double.Parse(betas.Groups[1].Value, CultureInfo.InvariantCulture) : 0.9;
            double b2 = betas.Success ? double.Parse(betas.Groups[2].Value, CultureInfo.InvariantCulture) : 0.999;
            return optim.Adam(new[] { log }, lr, b1, b2, eps, decay);
        }
        return optim.RMSProp(new[] { log }, lr, Read("alpha", 0.99), eps, decay);
    }

    // ---- copy-task updates ---------------------------------------------------------------------

    private void CheckUpdate(JsonElement u, UnrollMode mode, CaseResult r)
    {
        var net = CellFactory.Canonical(u.GetProperty("net_type").GetString()!);
        var sizes = u.GetProperty("sizes");
        var hp = u.GetProperty("hparams");
        long hidden = sizes.GetProperty("hidden").GetInt64();
        int classes = sizes.GetProperty("classes").GetInt32();
        var task = new CopyTask(sizes.GetProperty("T").GetInt32(), classes - 1, sizes.GetProperty("c_length").GetInt32());
        var nonlin = hp.TryGetProperty("nonlin", out var nl) ? nl.GetString()! : "modrelu";
        var alam = hp.TryGetProperty("alam", out var a) ? a.GetDouble() : 0;
        var cell = CellFactory.Create(new CellSpec(net, sizes.GetProperty("input").GetInt64(), hidden,
            ReferenceActivation(net, nonlin), HasOrthogonal(net) || net == "RNN-orth" ? "cayley" : "xavier", "xavier", net == "nnRNN" ? alam : 0));
        using var model = new RecurrentModel(cell, classes) { Mode = mode };
        Load(model, net, hidden, u.GetProperty("params_before"), "rnn.");

        var x = GoldenTensor.Read(u.GetProperty("x"), ScalarType.Float32);
        var y = GoldenTensor.Read(u.GetProperty("y")).reshape(x.shape[0], x.shape[1]);
        var settings = new OptimizerSettings
        {
            Kind = OptimizerSettings.CanonicalKind(hp.GetProperty("optimizer").GetString()!),
            LearningRate = hp.GetProperty("lr").GetDouble(),
            OrthogonalLearningRate = hp.GetProperty("lr_orth").GetDouble(),
            Alpha = hp.GetProperty("alpha").GetDouble(),
            Betas = (hp.GetProperty("betas")[0].GetDouble(), hp.GetProperty("betas")[1].GetDouble()),
            TDecay = hp.GetProperty("Tdecay").GetDouble(),
            Clip = hp.TryGetProperty("clip", out var clip) && clip.ValueKind == JsonValueKind.Number ? clip.GetDouble() : 0,
            Eps = u.TryGetProperty("param_groups", out var pg) && pg.GetArrayLength() > 0 && pg[0].TryGetProperty("eps", out var eps) ? eps.GetDouble() : 1e-8,
        };
        using var optimizer = new RecurrentOptimizer(model, cell, settings);
        r.Add("param_groups", CompareGroups(u, model, net, hidden, optimizer));

        optimizer.ZeroGrad();
        var logits = model.forward(x);
        var loss = model.WithPenalty(task.Loss(logits, y));
        loss.backward();
        r.Add("h", forward.Compare(model.LastFeatures!, GoldenTensor.Read(u.GetProperty("h"))));
        r.Add("loss", forward.Compare(loss, tensor(u.GetProperty("loss_reported").GetDouble())));
        if (u.TryGetProperty("accuracy", out var acc) && acc.ValueKind == JsonValueKind.Number)
            r.Add("accuracy", new Tolerance(1e-9, 0).Compare(tensor(task.Accuracy(logits, y)), tensor(acc.GetDouble())));
        foreach (var g in u.GetProperty("grads").EnumerateObject())
        {
            if (g.Value.ValueKind == JsonValueKind.Null) continue;
            var mine = OurGradient(model, cell, net, hidden, g.Name, "rnn.");
            r.Add("grad." + g.Name, mine is null ? (double.PositiveInfinity, false) : forward.Compare(mine, GoldenTensor.Read(g.Value)));
        }

        optimizer.PrepareGradients();
        var factor = cell.OrthogonalFactors().SingleOrDefault();
        if (factor is not null && u.TryGetProperty("orthogonal_step_log_grad", out var olg) && olg.ValueKind == JsonValueKind.Object)
        {
            var want = GoldenTensor.Read(olg.GetProperty("log_grad"), factor.Log.dtype);
            r.Add("orth.log_grad", orthogonal.Compare(factor.Log.grad!, want));
            using (no_grad()) factor.Log.grad!.copy_(want); // staged, see the file's quirks
        }
        optimizer.ApplyStep();

        var after = u.GetProperty("params_after");
        var ours = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var p in after.EnumerateObject())
        {
            var loc = p.Name.StartsWith("rnn.") ? ReferenceNames.Map(net, p.Name[4..], hidden) : new ParameterLocation(p.Name);
            if (loc.Unused) continue;
            var want = GoldenTensor.Read(p.Value);
            if (loc.IsOrthogonalMatrix)
            {
                using (no_grad()) r.Add("after." + p.Name, orthogonal.Compare(factor!.Matrix(), want));
                continue;
            }
            var name = (p.Name.StartsWith("rnn.") ? "rnn." : "") + loc.Name;
            var got = ours[name];
            Tensor value = loc.Index is int k ? got.reshape(-1)[k].reshape(1) : got;
            var tol = factor is not null && got.Handle == factor.Log.Handle ? new Tolerance(1e-7, 1e-6) : new Tolerance(1e-6, 1e-5);
            r.Add("after." + p.Name, tol.Compare(value, want));
        }
    }

    /// <summary>1 when our groups (optimizer, lr, weight decay) hold exactly the reference's parameters, else 0 error.</summary>
    private static (double, bool) CompareGroups(JsonElement u, nn.Module model, string net, long hidden, RecurrentOptimizer optimizer)
    {
        if (!u.TryGetProperty("param_groups", out var groups)) return (0, true);
        var ours = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var g in groups.EnumerateArray())
        {
            var which = g.GetProperty("optimizer").GetString() == "orthog_optimizer" ? optimizer.Orthogonal : optimizer.Main;
            if (which is null) return (1, false);
            double lr = g.GetProperty("lr").GetDouble();
            double wd = g.TryGetProperty("weight_decay", out var w) ? w.GetDouble() : 0;
            var members = g.GetProperty("params").EnumerateArray().Select(n => n.GetString()!)
                .Select(n => n.StartsWith("rnn.") ? ReferenceNames.Map(net, n[4..], hidden) is var l && l.Name is not null ? "rnn." + l.Name : null : n)
                .Where(n => n is not null).Distinct().ToHashSet();
            var match = which.ParamGroups.OfType<ParamGroup>().FirstOrDefault(pg =>
                Math.Abs(pg.LearningRate - lr) <= 1e-12 * Math.Max(1, lr) && Math.Abs(WeightDecay(pg) - wd) <= 1e-15 &&
                members.All(m => ours.TryGetValue(m!, out var p) && pg.Parameters.Contains(p)));
            if (match is null) return (1, false);
        }
        return (0, true);
    }

    private static double WeightDecay(ParamGroup g) => g.Options switch
    {
        RMSProp.Options o => o.weight_decay ?? 0,
        Adam.Options o => o.weight_decay ?? 0,
        _ => 0,
    };

    // ---- expm and Fréchet ----------------------------------------------------------------------

    private void CheckExpm(JsonElement e, CaseResult r)
    {
        var a64 = GoldenTensor.Read(e.GetProperty("A_float64"), ScalarType.Float64);
        var e64 = GoldenTensor.Read(e.GetProperty("E_float64"), ScalarType.Float64);
        var frechet64 = new Tolerance(Math.Max(expm64.Abs * 10, 1e-11), expm64.Rel);
        r.Add("expm.f64", expm64.Compare(MatrixExponential.Expm(a64), GoldenTensor.Read(e.GetProperty("expm_float64"))));
        r.Add("frechet.f64", frechet64.Compare(MatrixExponential.Frechet(a64, e64), GoldenTensor.Read(e.GetProperty("expm_frechet_float64"))));
        var a32 = GoldenTensor.Read(e.GetProperty("A"), ScalarType.Float32);
        var e32 = GoldenTensor.Read(e.GetProperty("E"), ScalarType.Float32);
        r.Add("expm.f32", orthogonal.Compare(MatrixExponential.Expm(a32), GoldenTensor.Read(e.GetProperty("expm_float32"))));
        r.Add("frechet.f32", new Tolerance(orthogonal.Abs * 2, 0).Compare(MatrixExponential.Frechet(a32, e32), GoldenTensor.Read(e.GetProperty("expm_frechet_float32"))));
    }

    // ---- initialisers --------------------------------------------------------------------------

    private static void CheckInitializers(JsonElement init, CaseResult r)
    {
        var exact = new Tolerance(1e-7, 0);
        Tensor? Raw(string prefix) => init.EnumerateObject().Where(p => p.Name.StartsWith(prefix) && GoldenTensor.IsTensor(p.Value))
            .Select(p => GoldenTensor.Read(p.Value, ScalarType.Float64)).FirstOrDefault();
        var sample = Raw("raw_random_sample");
        var henaffDraw = Raw("raw_uniform_-pi_0");
        var cayleyDraw = Raw("raw_uniform_0_halfpi");
        // numpy's uniform(low, high) is low + (high − low)·random_sample: the mapping our initialisers use
        if (sample is not null && henaffDraw is not null && sample.shape[0] >= henaffDraw.shape[0])
            r.Add("uniform(-pi,0)", new Tolerance(1e-15, 0).Compare(-Math.PI + Math.PI * sample[..(int)henaffDraw.shape[0]], henaffDraw));
        if (sample is not null && cayleyDraw is not null && sample.shape[0] >= cayleyDraw.shape[0])
            r.Add("uniform(0,pi/2)", new Tolerance(1e-15, 0).Compare(Math.PI / 2 * sample[..(int)cayleyDraw.shape[0]], cayleyDraw));
        if (init.TryGetProperty("henaff_init", out var henaff) && henaffDraw is not null)
        {
            var want = GoldenTensor.Read(henaff.GetProperty("output"));
            r.Add("henaff", exact.Compare(SkewInitializers.BlockDiagonal(henaffDraw[..(int)(want.shape[0] / 2)], want.shape[0]), want));
        }
        if (init.TryGetProperty("cayley_init", out var cayley) && cayleyDraw is not null)
        {
            var want = GoldenTensor.Read(cayley.GetProperty("output"));
            r.Add("cayley", exact.Compare(SkewInitializers.CayleyFromAngles(cayleyDraw[..(int)(want.shape[0] / 2)]), want));
        }
        if (init.TryGetProperty("random_orthogonal_init", out var random))
        {
            var want = GoldenTensor.Read(random.GetProperty("output"), ScalarType.Float64);
            long n = want.shape[0];
            var q = MatrixExponential.Expm(Skew.FromFree(want));
            r.Add("random.orthogonal", new Tolerance(1e-6, 0).Compare(q.matmul(q.t()), eye(n, dtype: ScalarType.Float64)));
            r.Add("random.det", new Tolerance(1e-6, 0).Compare(linalg.det(q), tensor(1.0)));
            // Ours from the same Gaussian draw: QR, column signs, logm; its expm must be the same Q.
            var normal = Raw("raw_standard_normal");
            if (normal is not null && normal.numel() == n * n
                && GoldenTensor.ReadOptional(random, "scipy_expm_of_output_float64", ScalarType.Float64) is { } qWant)
            {
                var (qr, _) = linalg.qr(normal.reshape(n, n));
                qr = qr * qr.diagonal().sign().unsqueeze(0);
                if (linalg.det(qr).item<double>() >= 0)
                    r.Add("random.from_draw", new Tolerance(1e-6, 0).Compare(MatrixExponential.Expm(SkewInitializers.OrthogonalLog(qr)), qWant));
            }
            var mine = MatrixExponential.Expm(Skew.FromFree(SkewInitializers.RandomOrthogonal(n).to_type(ScalarType.Float64)));
            r.Add("random.ours_orthogonal", new Tolerance(1e-5, 0).Compare(mine.matmul(mine.t()), eye(n, dtype: ScalarType.Float64)));
        }
    }
}
