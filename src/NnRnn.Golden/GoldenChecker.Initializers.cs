using System.Text.Json;
using NnRnn.Orthogonal;
using static TorchSharp.torch;

namespace NnRnn.Golden;

/// <summary>The initialisers, from the raw random draws the file records.</summary>
public sealed partial class GoldenChecker
{
    private static void CheckInitializers(JsonElement init, CaseResult r)
    {
        // initial draws are made on the CPU on every device (README, GPU): checked there
        var device = GoldenTensor.Device;
        GoldenTensor.Device = CPU;
        try
        {
            CheckInitializersOnCpu(init, r);
        }
        finally
        {
            GoldenTensor.Device = device;
        }
    }

    private static void CheckInitializersOnCpu(JsonElement init, CaseResult r)
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
