namespace NnRnn.Experiments.Data;

/// <summary>
/// numpy's legacy <c>RandomState(seed)</c> for the one draw the reference's sMNIST.py makes from it:
/// <c>permutation(n)</c>. MT19937 seeded by <c>init_genrand</c> (numpy's integer seeding), and numpy's
/// shuffle: Fisher–Yates from the last element down, j = a masked 32-bit draw rejected while j &gt; i.
/// Reproducing it gives the same pixel order and train/validation split as the reference, image for image.
/// </summary>
public sealed class NumpyRandomState
{
    private const int N = 624, M = 397;
    private readonly uint[] mt = new uint[N];
    private int index = N;

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
