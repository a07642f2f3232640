using System.Text.Json.Nodes;
using NnRnn.Golden;
using Xunit;

namespace NnRnn.Tests;

/// <summary>A file that is not a golden file is rejected with one line naming it and the problem, exit 2.</summary>
public sealed class GoldenFileTests : IDisposable
{
    private readonly string dir = TestSupport.TempDir();

    public GoldenFileTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static JsonObject Golden() => JsonNode.Parse(File.ReadAllText(TestSupport.Fixture("heldout_golden.json")))!.AsObject();

    private static JsonObject Trajectory() => JsonNode.Parse(File.ReadAllText(TestSupport.Fixture("ref_trajectory.json")))!.AsObject();

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    public static TheoryData<string, string> NotGolden => new()
    {
        { "[]", "top level is a JSON array" },
        { "{}", "neither a 'trajectories' section" },
        { "null", "top level is a JSON null" },
        { "42", "top level is a JSON number" },
        { "not json at all", "not JSON" },
        { "{\"cells\": [", "not JSON" },
        { "{\"cells\": []}", "tolerances_suggested is missing" },
        { "{\"trajectories\": []}", "trajectories is empty" },
        { "{\"trajectories\": {}}", "trajectories is a JSON object, expected an array" },
        { "{\"trajectories\": [1]}", "trajectories[0] is a JSON number" },
    };

    [Theory]
    [MemberData(nameof(NotGolden))]
    public void Small_files_that_are_not_golden_files(string text, string problem)
    {
        var path = Write("bad.json", text);
        var e = Assert.Throws<GoldenFileException>(() => GoldenChecker.CheckFile(path));
        Assert.StartsWith($"{path}: not a golden file: ", e.Message);
        Assert.Contains(problem, e.Message);
    }

    public static TheoryData<string, string> Damaged => new()
    {
        { "no-cells", "cells is missing" },
        { "cells-object", "cells is a JSON object, expected an array" },
        { "all-empty", "holds no cases" },
        { "case-not-object", "copytask_update[0] is a JSON string" },
        { "tensor-missing", "cells[1].h is missing" },
        { "tensor-short", "cells[0].x.data holds" },
        { "tensor-text", "cells[0].x.data holds something other than numbers" },
        { "tolerance-missing", "tolerances_suggested.expm_float64 is missing" },
        { "tolerance-words", "tolerances_suggested.float32_forward_and_grads names neither" },
        { "loss-string", "cells[2].loss is a JSON string, expected a number" },
        { "initializers-array", "initializers is a JSON array" },
    };

    [Theory]
    [MemberData(nameof(Damaged))]
    public void Golden_files_with_missing_or_mistyped_sections(string damage, string problem)
    {
        var g = Golden();
        switch (damage)
        {
            case "no-cells": g.Remove("cells"); break;
            case "cells-object": g["cells"] = new JsonObject(); break;
            case "all-empty": g["cells"] = new JsonArray(); g["copytask_update"] = new JsonArray(); g["expm"] = new JsonArray(); break;
            case "case-not-object": g["copytask_update"]![0] = "case"; break;
            case "tensor-missing": g["cells"]![1]!.AsObject().Remove("h"); break;
            case "tensor-short": g["cells"]![0]!["x"]!["data"]!.AsArray().RemoveAt(0); break;
            case "tensor-text": g["cells"]![0]!["x"]!["data"] = new JsonArray("a", new JsonObject()); break;
            case "tolerance-missing": g["tolerances_suggested"]!.AsObject().Remove("expm_float64"); break;
            case "tolerance-words": g["tolerances_suggested"]!["float32_forward_and_grads"] = "tight"; break;
            case "loss-string": g["cells"]![2]!["loss"] = "0.5"; break;
            case "initializers-array": g["initializers"] = new JsonArray(); break;
        }
        var path = Write(damage + ".json", g.ToJsonString());
        var e = Assert.Throws<GoldenFileException>(() => GoldenChecker.CheckFile(path));
        Assert.Contains(problem, e.Message);
    }

    public static TheoryData<string, string> DamagedTrajectories => new()
    {
        { "no-losses", "trajectories[0].loss_per_update is missing" },
        { "short-batches", "trajectories[1].batches_x holds 29 batches, loss_per_update 30" },
        { "short-sequence", "trajectories[2].batches_y expected 30 batches of 10 sequences of 120 numbers" },
        { "size-zero", "trajectories[3].sizes.hidden is 0, expected a positive integer" },
        { "lr-missing", "trajectories[0].hparams.lr is missing" },
        { "param-not-tensor", "trajectories[0].params_after.lin.bias is not a tensor" },
    };

    [Theory]
    [MemberData(nameof(DamagedTrajectories))]
    public void Trajectory_files_with_missing_or_mistyped_sections(string damage, string problem)
    {
        var t = Trajectory();
        var items = t["trajectories"]!.AsArray();
        switch (damage)
        {
            case "no-losses": items[0]!.AsObject().Remove("loss_per_update"); break;
            case "short-batches": items[1]!["batches_x"]!.AsArray().RemoveAt(0); break;
            case "short-sequence": items[2]!["batches_y"]![4]![3]!.AsArray().RemoveAt(0); break;
            case "size-zero": items[3]!["sizes"]!["hidden"] = 0; break;
            case "lr-missing": items[0]!["hparams"]!.AsObject().Remove("lr"); break;
            case "param-not-tensor": items[0]!["params_after"]!["lin.bias"] = 1.5; break;
        }
        var path = Write(damage + ".json", t.ToJsonString());
        var e = Assert.Throws<GoldenFileException>(() => GoldenChecker.CheckFile(path));
        Assert.Contains(problem, e.Message);
    }

    [Theory]
    [InlineData("[]", "top level is a JSON array")]
    [InlineData("{}", "neither a 'trajectories' section")]
    [InlineData("DIR", "is a directory")]
    [InlineData("BINARY", "not JSON")]
    public void Cli_rejects_a_file_that_is_not_golden_with_one_line_and_exit_2(string content, string problem)
    {
        string path = content switch
        {
            "DIR" => Directory.CreateDirectory(Path.Combine(dir, "a-directory.json")).FullName,
            "BINARY" => Path.Combine(dir, "binary.json"),
            _ => Write("bad.json", content),
        };
        if (content == "BINARY") File.WriteAllBytes(path, [0xFF, 0xFE, 0x00, 0x7B, 0x80]);
        var (code, stdout, stderr) = TestSupport.RunCli("golden", path);
        Assert.Equal(2, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith($"nnrnn: error: {path}: ", lines[0]);
        Assert.Contains(problem, lines[0]);
        Assert.Equal("", stdout);
    }
}
