using NnRnn.Analysis.Linear;
using Xunit;

namespace NnRnn.Tests.Analysis;

public class NormalityTests
{
    [Fact]
    public void OrthogonalAndSymmetricMatricesHaveNoDeparture()
    {
        var q = Matrices.RandomOrthogonal(40, 11);
        var a = Matrices.Random(30, 12);
        var symmetric = Dense.Multiply(a, Dense.Transpose(a));
        foreach (var w in new[] { q, symmetric })
        {
            var schur = RealSchur.Decompose(w);
            double scale = Dense.Frobenius(w);
            Assert.True(Normality.Henrici(schur) < 1e-12 * scale);
            // The definition from W loses half the digits (‖W‖² − Σ|λ|² cancels): √eps scale.
            Assert.True(Normality.Henrici(w, schur.Eigenvalues) < 1e-6 * scale);
            Assert.True(Normality.TriangularShare(schur.S, schur.BlockStarts) < 1e-12);
        }
    }

    [Fact]
    public void SmallTriangularMatricesMatchHandValues()
    {
        // Departure of a triangular matrix = norm of its strict upper part.
        var t2 = new double[,] { { 1, 2 }, { 0, 3 } };
        var t3 = new double[,] { { 1, 2, 3 }, { 0, 4, 5 }, { 0, 0, 6 } };
        Assert.Equal(2.0, Normality.Henrici(t2, new System.Numerics.Complex[] { 1, 3 }), 12);
        Assert.Equal(Math.Sqrt(38), Normality.Henrici(t3, new System.Numerics.Complex[] { 1, 4, 6 }), 12);
        Assert.Equal(Math.Sqrt(38), Normality.Henrici(RealSchur.Decompose(t3)), 10);
        Assert.Equal(Math.Sqrt(38.0 / 91.0), Normality.TriangularShare(t3, new[] { 0, 1, 2 }), 12);
        // In a rotated basis the departure is unchanged (unitarily invariant).
        var rotated = Dense.Conjugate(Matrices.RandomOrthogonal(3, 2), t3);
        Assert.Equal(Math.Sqrt(38), Normality.Henrici(RealSchur.Decompose(rotated)), 9);
    }

    [Fact]
    public void ANonNormal2x2BlockCountsItsOwnDeparture()
    {
        // [[0, −4], [1, 0]]: eigenvalues ±2i, ‖W‖_F² = 17, Σ|λ|² = 8 → departure 3 = |b + c|.
        var w = new double[,] { { 0, -4 }, { 1, 0 } };
        var schur = RealSchur.Decompose(w);
        Assert.Equal(3.0, Normality.Henrici(schur), 12);
        Assert.Equal(3.0, Normality.Henrici(w, schur.Eigenvalues), 12);
    }
}
