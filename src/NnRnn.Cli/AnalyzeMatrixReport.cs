using System.Text.Json.Nodes;
using NnRnn.Analysis.Structure;
using static NnRnn.Cli.AnalyzeOutput;

namespace NnRnn.Cli;

/// <summary>The numbers of <c>analyze matrix</c> as JSON and as (name, value) rows (shared with <c>compare</c>).</summary>
public static class AnalyzeMatrixReport
{
    /// <summary>(label, value) rows: the item-1 numbers, nnRNN factor rows only when present.</summary>
    public static List<(string Key, string Label, double? Value)> Rows(MatrixReport m) => new()
    {
        ("n", "units N", m.Source.Size),
        ("spectral_radius", "spectral radius max|λ|", m.SpectralRadius),
        ("min_modulus", "min |λ|", m.MinModulus),
        ("frobenius", "‖W‖_F", m.Frobenius),
        ("henrici", "Henrici departure (‖W‖_F² − Σ|λ|²)^½", m.Henrici),
        ("henrici_ratio", "Henrici / ‖W‖_F", m.HenriciRatio),
        ("triangular_share", "‖S above blocks‖_F / ‖S‖_F", m.TriangularShare),
        ("schur_reconstruction_error", "‖W − Q S Qᵀ‖_F", m.Schur.ReconstructionError),
        ("schur_relative_error", "‖W − Q S Qᵀ‖_F / ‖W‖_F", m.Schur.RelativeReconstructionError),
        ("factor_t_share", "nnRNN ‖T‖_F / ‖Λ + T‖_F", m.FactorTriangularShare),
        ("factor_block_triangular_share", "nnRNN ‖Λ + T above blocks‖_F / ‖Λ + T‖_F", m.FactorBlockTriangularShare),
    };

    public static JsonObject Json(MatrixReport m)
    {
        var json = new JsonObject
        {
            ["run"] = m.Source.Name,
            ["net_type"] = m.Source.NetType,
            ["checkpoint"] = m.Source.Source,
            ["convention"] = "h_t = h_{t-1} W (row vectors, as the reference code); column dynamics use W^T",
        };
        foreach (var (key, _, value) in Rows(m))
            if (value is double v) json[key] = v;
        json["henrici_from_eigenvalues"] = m.HenriciFromEigenvalues;
        json["schur_orthogonality_error"] = m.Schur.OrthogonalityError;
        json["complex_pairs"] = m.Angles.Length - m.Schur.Eigenvalues.Count(l => l.Imaginary == 0);
        json["real_eigenvalues"] = m.Schur.Eigenvalues.Count(l => l.Imaginary == 0);
        json["angles"] = Numbers(m.Angles);
        json["eigenvalues"] = new JsonObject
        {
            ["re"] = Numbers(m.Schur.Eigenvalues.Select(l => l.Real)),
            ["im"] = Numbers(m.Schur.Eigenvalues.Select(l => l.Imaginary)),
        };
        if (m.Source.Factors is { } f)
            json["factors"] = new JsonObject
            {
                ["theta"] = Numbers(f.Theta),
                ["gamma"] = Numbers(f.Gamma),
                ["gamma_mean"] = f.Gamma.Average(),
                ["gamma_min"] = f.Gamma.Min(),
                ["gamma_max"] = f.Gamma.Max(),
                ["angles"] = Numbers(m.FactorAngles!),
            };
        return json;
    }
}
