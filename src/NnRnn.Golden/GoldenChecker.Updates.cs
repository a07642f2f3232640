using System.Text.Json;
using NnRnn.Cells;
using NnRnn.Nonlinearities;
using NnRnn.Optim;
using NnRnn.Experiments.Tasks;
using NnRnn.Experiments.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Golden;

/// <summary>Full copy-task updates: parameter groups, loss, gradients and every parameter after the step.</summary>
public sealed partial class GoldenChecker
{
    /// <summary>A copy-task model as a case describes it, loaded with <c>params_before</c>, and its optimizer.</summary>
    private sealed record UpdateSetup(string Net, long Hidden, CopyTask Task, RecurrentCell Cell, PerStepReadoutModel Model,
        RecurrentOptimizer Optimizer) : IDisposable
    {
        public void Dispose()
        {
            Optimizer.Dispose();
            Model.Dispose();
        }
    }

    private static UpdateSetup BuildUpdate(JsonElement u, UnrollMode mode, double eps, ScalarType dtype = ScalarType.Float32)
    {
        var net = SeedNames.Of(SeedNames.Parse<NetType>(u.GetProperty("net_type").GetString()!, "net_type"));
        var sizes = u.GetProperty("sizes");
        var hp = u.GetProperty("hparams");
        long hidden = sizes.GetProperty("hidden").GetInt64();
        int classes = sizes.GetProperty("classes").GetInt32();
        var task = new CopyTask(sizes.GetProperty("T").GetInt32(), classes - 1, sizes.GetProperty("c_length").GetInt32());
        var nonlin = hp.TryGetProperty("nonlin", out var nl) ? nl.GetString()! : "modrelu";
        var alam = hp.TryGetProperty("alam", out var a) ? a.GetDouble() : 0;
        var cell = CellFactory.Create(new CellSpec(SeedNames.Parse<NetType>(net, "net_type"), sizes.GetProperty("input").GetInt64(), hidden,
            SeedNames.Parse<Activation>(ReferenceActivation(net, nonlin), "nonlin"), HasOrthogonal(net) || net == "RNN-orth" ? Initializer.Cayley : Initializer.Xavier, Initializer.Xavier, net == "nnRNN" ? alam : 0));
        var model = new PerStepReadoutModel(cell, classes) { Mode = mode };
        Load(model, net, hidden, u.GetProperty("params_before"), "rnn.");
        if (dtype != ScalarType.Float32)
        {
            model.to(dtype); // before the optimizer, which holds the parameters
            foreach (var f in cell.OrthogonalFactors()) f.Refresh();
        }
        NnRnn.Experiments.Training.DevicePlacement.Model(model, GoldenTensor.Device);   // likewise
        var settings = new OptimizerSettings
        {
            Optimizer = SeedNames.Parse<OptimizerKind>(hp.GetProperty("optimizer").GetString()!, "optimizer"),
            LearningRate = hp.GetProperty("lr").GetDouble(),
            OrthogonalLearningRate = hp.GetProperty("lr_orth").GetDouble(),
            Alpha = hp.GetProperty("alpha").GetDouble(),
            Betas = hp.TryGetProperty("betas", out var b) ? (b[0].GetDouble(), b[1].GetDouble()) : (0.9, 0.999),
            NonNormalDecay = hp.GetProperty("Tdecay").GetDouble(),
            Clip = hp.TryGetProperty("clip", out var clip) && clip.ValueKind == JsonValueKind.Number ? clip.GetDouble() : 0,
            Eps = eps,
        };
        return new UpdateSetup(net, hidden, task, cell, model, new RecurrentOptimizer(model, cell, settings));
    }

    private void CheckUpdate(JsonElement u, UnrollMode mode, CaseResult r)
    {
        double eps = u.TryGetProperty("param_groups", out var pg) && pg.GetArrayLength() > 0 && pg[0].TryGetProperty("eps", out var e) ? e.GetDouble() : 1e-8;
        using var setup = BuildUpdate(u, mode, eps);
        var (net, hidden, task, cell, model, optimizer) = (setup.Net, setup.Hidden, setup.Task, setup.Cell, setup.Model, setup.Optimizer);
        var x = GoldenTensor.Read(u.GetProperty("x"), ScalarType.Float32);
        var y = GoldenTensor.Read(u.GetProperty("y")).reshape(x.shape[0], x.shape[1]);
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
            // The update itself (after − before), per tensor: a parameter of magnitude 1 hides a wrong step of 1e-5.
            var before = GoldenTensor.Read(u.GetProperty("params_before").GetProperty(p.Name));
            var want = GoldenTensor.Read(p.Value) - before;
            if (loc.IsOrthogonalMatrix)
            {
                using (no_grad()) r.Add("step." + p.Name, orthogonal.Compare(factor!.Matrix() - before, want));
                continue;
            }
            var name = (p.Name.StartsWith("rnn.") ? "rnn." : "") + loc.Name;
            var got = ours[name];
            Tensor value = loc.Index is int k ? got.reshape(-1)[k].reshape(1) : got;
            using (no_grad()) r.Add("step." + p.Name, forward.Compare(value.detach() - before.reshape(value.shape), want.reshape(value.shape)));
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
}
