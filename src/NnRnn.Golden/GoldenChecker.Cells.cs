using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NnRnn.Cells;
using NnRnn.Nonlinearities;
using NnRnn.Orthogonal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Golden;

/// <summary>Cell cases: forward, gradients, nnRNN internals and the orthogonal step.</summary>
public sealed partial class GoldenChecker
{
    private static RecurrentCell BuildCell(string netType, long input, long hidden, string nonlin, OrthogonalGradient route)
    {
        var rinit = netType is "nnRNN" or "expRNN" or "RNN-orth" ? "cayley" : "xavier";
        var cell = CellFactory.Create(new CellSpec(SeedNames.Parse<NetType>(netType, nameof(netType)), input, hidden,
            SeedNames.Parse<Activation>(ReferenceActivation(netType, nonlin), nameof(nonlin)), SeedNames.Parse<Initializer>(rinit, nameof(rinit)), Initializer.Xavier, Delta: 0, Gradient: route));
        return NnRnn.Experiments.Training.DevicePlacement.Model(cell, GoldenTensor.Device);
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
        var net = SeedNames.Of(SeedNames.Parse<NetType>(c.GetProperty("net_type").GetString()!, "net_type"));
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
            var initial = cell.InitialState(x.shape[1], x.device);
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
        var logBefore = factor.Log.detach().clone();
        using (var opt = OrthogonalStepOptimizer(step, factor.Log))
            opt.step();
        // The step itself (new − old log), per tensor: the log's magnitude would hide a step of 10·lr.
        using (no_grad())
            r.Add("orth.log_step", orthogonal.Compare(factor.Log - logBefore, GoldenTensor.Read(step.GetProperty(logName + "_new"), ScalarType.Float32) - logBefore));
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
}
