using System.Text.Json;
using NnRnn.Orthogonal;
using static TorchSharp.torch;

namespace NnRnn.Golden;

/// <summary>expm and its Fréchet derivative in float64 and float32.</summary>
public sealed partial class GoldenChecker
{
    private void CheckExpm(JsonElement e, CaseResult r)
    {
        var a64 = GoldenTensor.Read(e.GetProperty("A_float64"), ScalarType.Float64);
        var e64 = GoldenTensor.Read(e.GetProperty("E_float64"), ScalarType.Float64);
        r.Add("expm.f64", expm64.Compare(MatrixExponential.Expm(a64), GoldenTensor.Read(e.GetProperty("expm_float64"))));
        r.Add("frechet.f64", expm64.Compare(MatrixExponential.Frechet(a64, e64), GoldenTensor.Read(e.GetProperty("expm_frechet_float64"))));
        var a32 = GoldenTensor.Read(e.GetProperty("A"), ScalarType.Float32);
        var e32 = GoldenTensor.Read(e.GetProperty("E"), ScalarType.Float32);
        r.Add("expm.f32", orthogonal.Compare(MatrixExponential.Expm(a32), GoldenTensor.Read(e.GetProperty("expm_float32"))));
        r.Add("frechet.f32", orthogonal.Compare(MatrixExponential.Frechet(a32, e32), GoldenTensor.Read(e.GetProperty("expm_frechet_float32"))));
    }
}
