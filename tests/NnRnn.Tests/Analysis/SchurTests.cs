using System.Numerics;
using NnRnn.Analysis.Linear;
using Xunit;

namespace NnRnn.Tests.Analysis;

public class SchurTests
{
    [Fact]
    public void RotationBlocksInARandomBasisGiveTheirEigenvaluesAndAStandardForm()
    {
        var theta = new[] { 0.3, 1.2, 2.5, 3.0 };
        var gamma = new[] { 1.0, 0.9, 1.1, 0.7 };
        var q = Matrices.RandomOrthogonal(8, 3);
        var w = Dense.Conjugate(q, Matrices.Rotations(theta, gamma));
        var schur = RealSchur.Decompose(w);

        var expected = theta.SelectMany((t, k) => new[] { Complex.FromPolarCoordinates(gamma[k], t), Complex.FromPolarCoordinates(gamma[k], -t) });
        Assert.True(Matrices.SpectrumDistance(schur.Eigenvalues, expected) < 1e-12);
        Assert.Equal(new[] { 0, 2, 4, 6 }, schur.BlockStarts);
        Assert.True(schur.ReconstructionError < 1e-13 * Dense.Frobenius(w));
        Assert.True(schur.OrthogonalityError < 1e-13);
        foreach (var p in schur.BlockStarts)
        {
            Assert.Equal(schur.S[p, p], schur.S[p + 1, p + 1], 12);        // standard form: equal diagonal
            Assert.True(schur.S[p, p + 1] * schur.S[p + 1, p] < 0);
        }
        // A normal matrix: its Schur form is block diagonal.
        Assert.True(Normality.TriangularShare(schur.S, schur.BlockStarts) < 1e-12);
    }

    [Fact]
    public void AJordanLikeChainKeepsItsDiagonalAsSpectrum()
    {
        // Upper bidiagonal with distinct diagonal: the eigenvalues are the diagonal entries.
        var diag = new[] { 0.9, 0.5, -0.3, 0.1, -0.8 };
        int n = diag.Length;
        var chain = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            chain[i, i] = diag[i];
            if (i + 1 < n) chain[i, i + 1] = 1;
        }
        var w = Dense.Conjugate(Matrices.RandomOrthogonal(n, 5), chain);
        var schur = RealSchur.Decompose(w);
        Assert.True(Matrices.SpectrumDistance(schur.Eigenvalues, diag.Select(d => new Complex(d, 0))) < 1e-10);
        Assert.Equal(n, schur.BlockStarts.Length);   // all real: 1×1 blocks
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) Assert.Equal(0.0, schur.S[i, j]);

        // A true Jordan block (λ = 0.5, size 3): eigenvalues are ill-conditioned (~ eps^(1/3)).
        var jordan = new double[3, 3] { { 0.5, 1, 0 }, { 0, 0.5, 1 }, { 0, 0, 0.5 } };
        var js = RealSchur.Decompose(Dense.Conjugate(Matrices.RandomOrthogonal(3, 7), jordan));
        Assert.All(js.Eigenvalues, l => Assert.True((l - 0.5).Magnitude < 1e-4, $"{l}"));
        Assert.True(js.RelativeReconstructionError < 1e-13);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(17, 2)]
    [InlineData(64, 3)]
    [InlineData(129, 4)]
    public void RandomMatricesMatchLapackEigenvaluesAndReconstruct(int n, long seed)
    {
        var w = Matrices.Random(n, seed);
        var schur = RealSchur.Decompose(w);
        Assert.True(Matrices.SpectrumDistance(schur.Eigenvalues, Matrices.TorchEigenvalues(w)) < 1e-10);
        Assert.True(schur.RelativeReconstructionError < 1e-13 * n);
        Assert.True(schur.OrthogonalityError < 1e-13 * n);
        // Quasi upper triangular: nothing below the diagonal blocks.
        var blockOf = new int[n];
        for (int b = 0; b < schur.BlockStarts.Length; b++)
            for (int i = schur.BlockStarts[b]; i < (b + 1 < schur.BlockStarts.Length ? schur.BlockStarts[b + 1] : n); i++) blockOf[i] = b;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (blockOf[i] > blockOf[j]) Assert.Equal(0.0, schur.S[i, j]);
    }

    [Fact]
    public void TheDelayLineIsNilpotent()
    {
        var w = SyntheticMatrices.DelayLine(12, 0, 1, 0);
        var schur = RealSchur.Decompose(w);
        Assert.All(schur.Eigenvalues, l => Assert.True(l.Magnitude < 1e-12));
        Assert.Equal(Math.Sqrt(11), Normality.Henrici(schur), 12);   // all of ‖W‖_F is departure
    }

    [Fact]
    public void NonFiniteOrNonSquareInputIsRefused()
    {
        Assert.Throws<ArgumentException>(() => RealSchur.Decompose(new double[2, 3]));
        Assert.Throws<ArgumentException>(() => RealSchur.Decompose(new double[,] { { 1, double.NaN }, { 0, 1 } }));
    }
}
