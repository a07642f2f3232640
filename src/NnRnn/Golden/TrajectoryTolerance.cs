namespace NnRnn.Golden;

/// <summary>
/// Bounds for a trajectory's k-th update, growing with k as float32 rounding does (README, "Tolerances").
/// Placeholder values until measured.
/// </summary>
public static class TrajectoryTolerance
{
    public static Tolerance Loss(int k) => new(1e-6, 1e-5 * k);

    public static Tolerance Parameters(int k) => new(1e-6, 1e-5 * k);
}
