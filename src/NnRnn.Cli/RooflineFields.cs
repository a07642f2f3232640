using System.Text.Json.Nodes;
using NnRnn.Experiments.Benchmarks;

namespace NnRnn.Cli;

/// <summary><c>bench --roofline</c>: the sgemm rates and the update's distance from the machine's limit.</summary>
internal static class RooflineFields
{
    public static void Add(JsonObject json, BenchmarkConfig config, BenchmarkResult result)
    {
        var rates = Roofline.Measure(config);
        double large = rates.Where(x => x.m == Roofline.LargeSide).Max(x => x.gflops);
        var (input, outputs, everyStep) = UpdateBenchmark.Shape(config);
        double flops = Roofline.UpdateFlops(config, input, outputs, everyStep);
        double ms = flops / (large * 1e9) * 1000;
        json["update_gflop"] = Math.Round(flops / 1e9, 4);
        json["sgemm_gflops"] = new JsonArray(rates.Select(x => (JsonNode)JsonValue.Create($"{x.m}x{x.k}x{x.n} {x.backend}: {x.gflops}")!).ToArray());
        json["roofline_ms"] = Math.Round(ms, 6);
        json["roofline_ratio"] = Math.Round(result.ms_median / ms, 2);
    }
}
