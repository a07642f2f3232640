using static TorchSharp.torch;

namespace NnRnn.Analysis.Linear;

/// <summary>Small helpers on dense double-precision matrices (<c>double[,]</c>, row-major).</summary>
public static class Dense
{
    public static double[,] Identity(int n)
    {
        var m = new double[n, n];
        for (int i = 0; i < n; i++) m[i, i] = 1;
        return m;
    }

    public static double[,] Transpose(double[,] a) => FromTensor(Tensor(a).t());

    public static double[,] Multiply(double[,] a, double[,] b)
    {
        using var scope = NewDisposeScope();
        return FromTensor(Tensor(a).matmul(Tensor(b)));
    }

    /// <summary>Q S Qᵀ.</summary>
    public static double[,] Conjugate(double[,] q, double[,] s)
    {
        using var scope = NewDisposeScope();
        var tq = Tensor(q);
        return FromTensor(tq.matmul(Tensor(s)).matmul(tq.t()));
    }

    public static double Frobenius(double[,] a)
    {
        double sum = 0;
        foreach (var x in a) sum += x * x;
        return Math.Sqrt(sum);
    }

    public static double FrobeniusOfDifference(double[,] a, double[,] b)
    {
        Require(a.GetLength(0) == b.GetLength(0) && a.GetLength(1) == b.GetLength(1), "matrices of the same shape");
        double sum = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                sum += (a[i, j] - b[i, j]) * (a[i, j] - b[i, j]);
        return Math.Sqrt(sum);
    }

    /// <summary>A float64 tensor holding a copy of <paramref name="a"/>.</summary>
    public static Tensor Tensor(double[,] a) => tensor(a, dtype: ScalarType.Float64);

    /// <summary>A 2-D tensor (any real dtype) copied into a <c>double[,]</c>.</summary>
    public static double[,] FromTensor(Tensor t)
    {
        Require(t.dim() == 2, "a 2-D tensor");
        using var d = t.detach().to_type(ScalarType.Float64).cpu().contiguous();
        var flat = d.data<double>().ToArray();
        int rows = (int)t.shape[0], cols = (int)t.shape[1];
        var m = new double[rows, cols];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
        return m;
    }

    public static void RequireSquare(double[,] a, string what)
    {
        if (a.GetLength(0) != a.GetLength(1) || a.GetLength(0) == 0)
            throw new ArgumentException($"{what}: expected a non-empty square matrix, got {a.GetLength(0)}x{a.GetLength(1)}");
    }

    private static void Require(bool ok, string what)
    {
        if (!ok) throw new ArgumentException($"expected {what}");
    }
}
