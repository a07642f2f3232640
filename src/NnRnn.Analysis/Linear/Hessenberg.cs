namespace NnRnn.Analysis.Linear;

/// <summary>
/// Orthogonal reduction to upper Hessenberg form, A = Q H Qᵀ, by Householder reflections
/// (Golub &amp; Van Loan, Matrix Computations, §7.4.3): the first stage of the real Schur form.
/// </summary>
public static class Hessenberg
{
    public static (double[,] H, double[,] Q) Reduce(double[,] a)
    {
        Dense.RequireSquare(a, "Hessenberg reduction");
        int n = a.GetLength(0);
        var h = (double[,])a.Clone();
        var q = Dense.Identity(n);
        for (int k = 0; k < n - 2; k++)
        {
            var x = new double[n - k - 1];
            for (int i = 0; i < x.Length; i++) x[i] = h[k + 1 + i, k];
            var v = Reflector.For(x);
            if (v is null) continue;
            Reflector.FromLeft(h, v, k + 1, k, n - 1);
            Reflector.FromRight(h, v, k + 1, 0, n - 1);
            Reflector.FromRight(q, v, k + 1, 0, n - 1);
            for (int i = k + 2; i < n; i++) h[i, k] = 0;   // annihilated exactly by construction
        }
        return (h, q);
    }
}
