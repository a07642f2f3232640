using System.Numerics;
using NnRnn.Analysis.Linear;
using NnRnn.Analysis.Runs;

namespace NnRnn.Analysis.Structure;

/// <summary>
/// The structural numbers of one recurrent matrix (the paper's §3–4): spectrum, real Schur form,
/// Henrici's departure from normality and the share of the Schur form above its diagonal blocks.
/// For nnRNN the same measures are also read directly off the learned factors P, Λ, T.
/// </summary>
public sealed class MatrixReport
{
    private MatrixReport(TrainedRecurrence source, SchurForm schur)
    {
        Source = source;
        Schur = schur;
        var w = source.W;
        Frobenius = Dense.Frobenius(w);
        Henrici = Normality.Henrici(schur);
        HenriciFromEigenvalues = Normality.Henrici(w, schur.Eigenvalues);
        TriangularShare = Normality.TriangularShare(schur.S, schur.BlockStarts);
        var moduli = schur.Eigenvalues.Select(l => l.Magnitude).ToArray();
        SpectralRadius = moduli.Max();
        MinModulus = moduli.Min();
        Angles = BlockAngles(schur.Eigenvalues);
    }

    public static MatrixReport Of(TrainedRecurrence source) => new(source, RealSchur.Decompose(source.W));

    public TrainedRecurrence Source { get; }

    public SchurForm Schur { get; }

    public double Frobenius { get; }

    /// <summary>(‖W‖_F² − Σ|λ|²)^{1/2}, read off the Schur form (no cancellation).</summary>
    public double Henrici { get; }

    /// <summary>The same by the definition from W and its eigenvalues (loses ~half the digits when small).</summary>
    public double HenriciFromEigenvalues { get; }

    public double HenriciRatio => Frobenius == 0 ? 0 : Henrici / Frobenius;

    /// <summary>‖S above its diagonal blocks‖_F / ‖S‖_F.</summary>
    public double TriangularShare { get; }

    public double SpectralRadius { get; }

    public double MinModulus { get; }

    /// <summary>
    /// One rotation angle per diagonal block of S, |arg λ| ∈ [0, π]: a 2×2 block rotates by θ (its
    /// pair a ± ib), a 1×1 block by 0 or π.
    /// </summary>
    public double[] Angles { get; }

    /// <summary>nnRNN only: ‖T ⊙ M‖_F / ‖Λ + T ⊙ M‖_F, the feed-forward share of the learned factors.</summary>
    public double? FactorTriangularShare => Source.Factors is { } f
        ? Dense.Frobenius(f.T) / Dense.Frobenius(f.Core) : null;

    /// <summary>nnRNN only: ‖Λ + T‖ above its 2×2 blocks relative to the whole (comparable to <see cref="TriangularShare"/>).</summary>
    public double? FactorBlockTriangularShare => Source.Factors is { } f
        ? Normality.TriangularShare(f.Core, Normality.PairBlocks(f.Core.GetLength(0))) : null;

    /// <summary>nnRNN only: the learned θ_k wrapped to [0, π] (the same convention as <see cref="Angles"/>).</summary>
    public double[]? FactorAngles => Source.Factors?.Theta.Select(WrapAbs).ToArray();

    private static double[] BlockAngles(Complex[] eigenvalues)
        => eigenvalues.Where(l => l.Imaginary >= 0).Select(l => Math.Abs(l.Phase)).ToArray();

    /// <summary>|θ| after wrapping θ to (−π, π]: R(θ) and R(−θ) have the same eigenvalue pair.</summary>
    public static double WrapAbs(double theta) => Math.Abs(Math.IEEERemainder(theta, 2 * Math.PI));
}
