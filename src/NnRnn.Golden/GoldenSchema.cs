using System.Text.Json;

namespace NnRnn.Golden;

/// <summary>
/// The kinds of golden file: single cases (<c>ref_golden.json</c>), copy-task trajectories
/// (<c>ref_trajectory.json</c>) and PTB trajectories (<c>ref_ptb_trajectory.json</c>).
/// </summary>
public enum GoldenKind { Cases, Trajectories, PtbTrajectories }

/// <summary>
/// Checks a golden file's structure before anything runs, so that a file that is not one is
/// rejected with one line naming what is wrong, never checked in part or passed with 0 cases.
/// </summary>
public static class GoldenSchema
{
    private static readonly string[] CaseSections = { "cells", "copytask_update", "expm" };

    /// <summary>The file's kind; throws <see cref="GoldenFileException"/> naming the first problem.</summary>
    public static GoldenKind Validate(JsonElement root, string file)
    {
        var v = new Walker(file);
        if (root.ValueKind != JsonValueKind.Object) v.Fail("", $"the top level is a JSON {Kind(root)}, expected an object");
        if (root.TryGetProperty("trajectories", out _)) { ValidateTrajectories(root, v); return GoldenKind.Trajectories; }
        if (root.TryGetProperty("ptb_trajectories", out _)) { ValidatePtbTrajectories(root, v); return GoldenKind.PtbTrajectories; }
        if (!CaseSections.Any(s => root.TryGetProperty(s, out _)))
            v.Fail("", "it has neither a 'trajectories' section (nor 'ptb_trajectories') nor the 'cells', 'copytask_update', 'expm' sections");
        ValidateCases(root, v);
        return GoldenKind.Cases;
    }

    private static void ValidateCases(JsonElement root, Walker v)
    {
        v.Object(root, "tolerances_suggested", "");
        int count = 0;
        foreach (var (i, c) in v.Cases(root, "cells"))
        {
            v.Strings(c, i, "name", "net_type");
            v.Object(c, "sizes", i);
            v.Object(c, "params", i);
            v.Object(c, "grads", i);
            v.Number(c, "loss", i);
            v.Tensors(c, i, "x", "h", "loss_coeff_C");
            count++;
        }
        foreach (var (i, u) in v.Cases(root, "copytask_update"))
        {
            v.Strings(u, i, "name", "net_type");
            foreach (var o in new[] { "sizes", "hparams", "params_before", "grads", "params_after" }) v.Object(u, o, i);
            v.Number(u, "loss_reported", i);
            v.Tensors(u, i, "x", "y", "h");
            count++;
        }
        foreach (var (i, e) in v.Cases(root, "expm"))
        {
            v.Number(e, "scale", i);
            v.Tensors(e, i, "A_float64", "E_float64", "expm_float64", "expm_frechet_float64", "A", "E", "expm_float32", "expm_frechet_float32");
            count++;
        }
        if (root.TryGetProperty("initializers", out var init) && init.ValueKind != JsonValueKind.Object)
            v.Fail("initializers", $"is a JSON {Kind(init)}, expected an object");
        if (count == 0) v.Fail("", "it holds no cases (cells, copytask_update and expm are all empty)");
    }

    private static void ValidateTrajectories(JsonElement root, Walker v)
    {
        int count = 0;
        foreach (var (i, t) in v.Cases(root, "trajectories"))
        {
            v.Strings(t, i, "name", "net_type");
            foreach (var o in new[] { "sizes", "hparams", "params_before", "params_after" }) v.Object(t, o, i);
            var sizes = t.GetProperty("sizes");
            foreach (var s in new[] { "T", "c_length", "batch", "input", "hidden", "classes" }) v.Integer(sizes, s, i + ".sizes");
            var hp = t.GetProperty("hparams");
            foreach (var h in new[] { "lr", "lr_orth", "alpha", "Tdecay", "alam" }) v.Number(hp, h, i + ".hparams");
            v.Strings(hp, i + ".hparams", "optimizer");
            foreach (var p in new[] { "params_before", "params_after" })
                foreach (var q in t.GetProperty(p).EnumerateObject())
                    if (!GoldenTensor.IsTensor(q.Value)) v.Fail($"{i}.{p}.{q.Name}", "is not a tensor {shape, data}");
            int k = v.Array(t, "loss_per_update", i).GetArrayLength();
            if (k == 0) v.Fail(i + ".loss_per_update", "is empty");
            foreach (var l in t.GetProperty("loss_per_update").EnumerateArray())
                if (l.ValueKind != JsonValueKind.Number) v.Fail(i + ".loss_per_update", $"holds a JSON {Kind(l)}, expected numbers");
            int length = sizes.GetProperty("T").GetInt32() + 2 * sizes.GetProperty("c_length").GetInt32();
            int batch = sizes.GetProperty("batch").GetInt32();
            foreach (var b in new[] { "batches_x", "batches_y" })
            {
                var arr = v.Array(t, b, i);
                if (arr.GetArrayLength() != k) v.Fail($"{i}.{b}", $"holds {arr.GetArrayLength()} batches, loss_per_update {k}");
                foreach (var batchRows in arr.EnumerateArray())
                    if (batchRows.ValueKind != JsonValueKind.Array || batchRows.GetArrayLength() != batch
                        || batchRows.EnumerateArray().Any(row => row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != length
                                                                 || row.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number)))
                        v.Fail($"{i}.{b}", $"expected {k} batches of {batch} sequences of {length} numbers (sizes.batch, T + 2·c_length)");
            }
            count++;
        }
        if (count == 0) v.Fail("trajectories", "is empty");
    }

    private static void ValidatePtbTrajectories(JsonElement root, Walker v)
    {
        int count = 0;
        foreach (var (i, t) in v.Cases(root, "ptb_trajectories"))
        {
            v.Strings(t, i, "name", "net_type");
            foreach (var o in new[] { "sizes", "hparams", "params_before", "params_after_first", "params_after" }) v.Object(t, o, i);
            var sizes = t.GetProperty("sizes");
            foreach (var s in new[] { "vocabulary", "emsize", "hidden", "bptt", "batch", "eval_batch" }) v.Integer(sizes, s, i + ".sizes");
            var hp = t.GetProperty("hparams");
            foreach (var h in new[] { "lr", "lr_orth", "alpha", "Tdecay", "alam" }) v.Number(hp, h, i + ".hparams");
            v.Strings(hp, i + ".hparams", "optimizer", "rinit", "iinit", "nonlin");
            foreach (var p in new[] { "params_before", "params_after_first", "params_after" })
                foreach (var q in t.GetProperty(p).EnumerateObject())
                    if (!GoldenTensor.IsTensor(q.Value)) v.Fail($"{i}.{p}.{q.Name}", "is not a tensor {shape, data}");
            long vocabulary = sizes.GetProperty("vocabulary").GetInt32();
            Rows(t, "train_rows", sizes.GetProperty("batch").GetInt32(), vocabulary, i, v);
            Rows(t, "valid_rows", sizes.GetProperty("eval_batch").GetInt32(), vocabulary, i, v);
            int windows = (v.Array(t, "train_rows", i).GetArrayLength() - 2) / sizes.GetProperty("bptt").GetInt32() + 1;
            var losses = v.Array(t, "loss_per_update", i);
            if (losses.GetArrayLength() != windows || losses.EnumerateArray().Any(l => l.ValueKind != JsonValueKind.Number))
                v.Fail(i + ".loss_per_update", $"expected {windows} numbers (one per window of train_rows)");
            v.Number(t, "valid_loss", i);
            count++;
        }
        if (count == 0) v.Fail("ptb_trajectories", "is empty");
    }

    /// <summary>Token rows: at least 2 rows of <paramref name="columns"/> ids in [0, vocabulary).</summary>
    private static void Rows(JsonElement t, string name, int columns, long vocabulary, string path, Walker v)
    {
        var rows = v.Array(t, name, path);
        if (rows.GetArrayLength() < 2
            || rows.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.Array || r.GetArrayLength() != columns
                                              || r.EnumerateArray().Any(x => !x.TryGetInt64(out var id) || id < 0 || id >= vocabulary)))
            v.Fail($"{path}.{name}", $"expected at least 2 rows of {columns} token ids in [0, {vocabulary})");
    }

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    /// <summary>Walks members, throwing one <see cref="GoldenFileException"/> with the member's path.</summary>
    private sealed class Walker
    {
        private readonly string file;

        public Walker(string file) => this.file = file;

        public void Fail(string path, string problem)
            => throw new GoldenFileException(file, path.Length == 0 ? problem : $"{path} {problem}");

        private static string At(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

        private JsonElement Member(JsonElement parent, string name, string path, JsonValueKind kind, string expected)
        {
            if (!parent.TryGetProperty(name, out var e)) Fail(At(path, name), "is missing");
            if (e.ValueKind != kind) Fail(At(path, name), $"is a JSON {Kind(e)}, expected {expected}");
            return e;
        }

        public JsonElement Object(JsonElement parent, string name, string path) => Member(parent, name, path, JsonValueKind.Object, "an object");

        public JsonElement Array(JsonElement parent, string name, string path) => Member(parent, name, path, JsonValueKind.Array, "an array");

        public void Number(JsonElement parent, string name, string path) => Member(parent, name, path, JsonValueKind.Number, "a number");

        public void Integer(JsonElement parent, string name, string path)
        {
            var e = Member(parent, name, path, JsonValueKind.Number, "an integer");
            if (!e.TryGetInt32(out var n) || n <= 0) Fail(At(path, name), $"is {e.GetRawText()}, expected a positive integer");
        }

        public void Strings(JsonElement parent, string path, params string[] names)
        {
            foreach (var n in names) Member(parent, n, path, JsonValueKind.String, "a string");
        }

        /// <summary>Each (path, case) of a section that must be an array of objects.</summary>
        public IEnumerable<(string, JsonElement)> Cases(JsonElement root, string section)
        {
            if (!root.TryGetProperty(section, out var arr)) Fail(section, "is missing");
            if (arr.ValueKind != JsonValueKind.Array) Fail(section, $"is a JSON {Kind(arr)}, expected an array of cases");
            int i = 0;
            var items = new List<(string, JsonElement)>();
            foreach (var c in arr.EnumerateArray())
            {
                var path = $"{section}[{i++}]";
                if (c.ValueKind != JsonValueKind.Object) Fail(path, $"is a JSON {Kind(c)}, expected an object");
                items.Add((path, c));
            }
            return items;
        }

        /// <summary>Members that must be tensors whose data holds as many numbers as the shape says.</summary>
        public void Tensors(JsonElement parent, string path, params string[] names)
        {
            foreach (var n in names)
            {
                var e = Object(parent, n, path);
                if (!GoldenTensor.IsTensor(e)) Fail(At(path, n), "is not a tensor {shape, data}");
                var shape = e.GetProperty("shape");
                if (shape.ValueKind != JsonValueKind.Array || shape.EnumerateArray().Any(d => !d.TryGetInt64(out var x) || x < 0))
                    Fail(At(path, n) + ".shape", "is not a list of sizes");
                long want = shape.EnumerateArray().Aggregate(1L, (p, d) => p * d.GetInt64());
                long got = GoldenTensor.Count(e.GetProperty("data"));
                if (got < 0) Fail(At(path, n) + ".data", "holds something other than numbers");
                if (got != want) Fail(At(path, n) + ".data", $"holds {got} numbers, its shape says {want}");
            }
        }
    }
}
