namespace NnRnn.Randomness;

/// <summary>
/// numpy's legacy <c>RandomState(seed)</c> (also <c>np.random.seed(seed)</c>'s global stream) for the
/// draws the reference makes from it: sMNIST.py's <c>permutation(n)</c>, and the initial values its
/// cells draw with numpy (<c>uniform</c> for henaff/cayley angles and nnRNN's θ, <c>normal</c> for the
/// random orthogonal init). MT19937 seeded by <c>init_genrand</c> (numpy's integer seeding); numpy's
/// shuffle (Fisher–Yates from the last element down, j = a masked 32-bit draw rejected while j &gt; i),
/// its 53-bit doubles and its polar Gaussian. Reproducing them gives the reference's pixel order,
/// split and initial parameters for a seed, value for value.
/// </summary>
public sealed class NumpyRandomState
{
    private const int N = 624, M = 397;
    private readonly uint[] mt = new uint[N];
    private int index = N;

    /// <summary>The state after <c>RandomState(seed)</c> / <c>np.random.seed(seed)</c>.</summary>
    public NumpyRandomState(uint seed)
    {
        mt[0] = seed;
        for (int i = 1; i < N; i++) mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + (uint)i;
    }

    /// <summary>The next 32-bit output of MT19937 (Matsumoto &amp; Nishimura's genrand_int32).</summary>
    public uint NextUInt32()
    {
        if (index >= N) Twist();
        uint y = mt[index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        return y ^ (y >> 18);
    }

    /// <summary><c>random_sample()</c>: a double in [0, 1) from two 32-bit draws (27 + 26 bits), as numpy's mt19937_next_double.</summary>
    public double RandomSample()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary><c>uniform(low, high, size=count)</c>: low + (high − low)·random_sample(), in draw order.</summary>
    public double[] Uniform(double low, double high, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new double[count];
        for (int i = 0; i < count; i++) result[i] = low + (high - low) * RandomSample();
        return result;
    }

    /// <summary><c>normal(size=count)</c>: numpy's legacy polar (Marsaglia) Gaussian, which keeps the pair's second value for the next call.</summary>
    public double[] Normal(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new double[count];
        for (int i = 0; i < count; i++) result[i] = Gauss();
        return result;
    }

    private double? cachedGauss;

    private double Gauss()
    {
        if (cachedGauss is double kept)
        {
            cachedGauss = null;
            return kept;
        }
        double x1, x2, r2;
        do
        {
            x1 = 2.0 * RandomSample() - 1.0;
            x2 = 2.0 * RandomSample() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        cachedGauss = f * x1;
        return f * x2;
    }

    /// <summary>
    /// <c>randint(high, size=count)</c> (legacy, int64): each value the next 32-bit draw masked to
    /// high − 1's bit length, redrawn while ≥ high (copytask.py's symbols).
    /// </summary>
    public long[] RandInt(int high, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(high, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new long[count];
        for (int i = 0; i < count; i++) result[i] = high == 1 ? 0 : Interval((uint)(high - 1));
        return result;
    }

    /// <summary>The whole state (the 624 words, the position, the kept Gaussian), for a checkpoint.</summary>
    public long[] State()
    {
        var state = new long[N + 3];
        for (int i = 0; i < N; i++) state[i] = mt[i];
        state[N] = index;
        state[N + 1] = cachedGauss is null ? 0 : 1;
        state[N + 2] = BitConverter.DoubleToInt64Bits(cachedGauss ?? 0);
        return state;
    }

    /// <summary>Restores a <see cref="State"/>.</summary>
    public void Restore(IReadOnlyList<long> state)
    {
        if (state.Count != N + 3 || state[N] is < 0 or > N)
            throw new ArgumentException($"not a numpy generator state ({state.Count} values, expected {N + 3})", nameof(state));
        for (int i = 0; i < N; i++) mt[i] = (uint)state[i];
        index = (int)state[N];
        cachedGauss = state[N + 1] != 0 ? BitConverter.Int64BitsToDouble(state[N + 2]) : null;
    }

    /// <summary><c>permutation(n)</c>: a shuffled 0..n−1, as numpy's legacy generator shuffles it.</summary>
    public long[] Permutation(int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), "must be non-negative");
        var result = new long[n];
        for (int i = 0; i < n; i++) result[i] = i;
        for (int i = n - 1; i >= 1; i--)
        {
            long j = Interval((uint)i);
            (result[i], result[j]) = (result[j], result[i]);
        }
        return result;
    }

    /// <summary>A uniform integer in [0, max]: the draw masked to max's bit length, redrawn while above max.</summary>
    private uint Interval(uint max)
    {
        uint mask = max;
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > max) { }
        return value;
    }

    private void Twist()
    {
        for (int i = 0; i < N; i++)
        {
            uint y = (mt[i] & 0x80000000u) | (mt[(i + 1) % N] & 0x7fffffffu);
            mt[i] = mt[(i + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0);
        }
        index = 0;
    }
}
