using NnRnn.Nonlinearities;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// EURNN (Jing et al., ICML 2017, "Tunable Efficient Unitary Neural Networks"): a complex hidden
/// state h [B, N] and h_t = modReLU(x_t W_inᵀ + h_{t−1} W) with W unitary. The read-out sees
/// cat(Re h, Im h) [B, 2N].
/// </summary>
/// <remarks>
/// <para>In the EUNN paper's column-vector form the recurrent operator is U = D F_L ⋯ F_1: layer
/// F_l is a set of disjoint 2x2 rotations, pair (p, q) with angles (θ, φ) acting on (v_p, v_q) as
/// [[e^{iφ} cos θ, −e^{iφ} sin θ], [sin θ, cos θ]]; units in no pair pass through; D = diag(e^{iω}).
/// In this project's row-vector convention W = Uᵀ = F_1ᵀ ⋯ F_Lᵀ D, so h W = (U hᵀ)ᵀ: layer 1
/// acts first, the phases last.</para>
/// <para>Arrangements (see <see cref="Arrangement"/>): tunable space, L = capacity layers alternating
/// the pairings (0,1),(2,3),… and (1,2),(3,4),…; FFT style, L = log2 N layers, layer k pairing
/// i with i + 2^k inside blocks of 2^(k+1). Rotation k of layer l uses θ[l, k], φ[l, k], pairs
/// numbered by increasing first unit; a layer with fewer than N/2 pairs leaves its last entries
/// unused (they get zero gradient).</para>
/// <para>All parameters are real: θ, φ [L, N/2], ω [N], the input matrix as real and imaginary
/// parts [N, in] each, and the modReLU bias [N].</para>
/// </remarks>
public sealed class EurnnCell : RecurrentCell
{
    private readonly Parameter theta;
    private readonly Parameter phi;
    private readonly Parameter omega;
    private readonly Parameter input_re;
    private readonly Parameter input_im;
    private readonly ComplexModReLU modrelu;

    // Per layer and unit i (flattened [L, N]): the unit i is mixed with, the rotation index of its
    // pair, and its role: 0 = passes through, 1 = first unit p of a pair, 2 = second unit q.
    private readonly long[] partner;
    private readonly long[] pairIndex;
    private readonly long[] role;

    /// <summary>An EURNN cell: <paramref name="capacity"/> rotation layers (or the FFT-style arrangement), complex modReLU, input weights initialised by <paramref name="inputInit"/>.</summary>
    public EurnnCell(long inputSize, long hiddenSize, int capacity = 2, bool fft = false, Initializer inputInit = Initializer.Xavier,
        Generator? generator = null)
        : base("EurnnCell", inputSize, hiddenSize)
    {
        var layers = Arrangement(hiddenSize, capacity, fft);
        Capacity = capacity;
        Fft = fft;
        Layers = layers.Length;

        long n = hiddenSize, half = n / 2;
        partner = new long[Layers * n];
        pairIndex = new long[Layers * n];
        role = new long[Layers * n];
        for (int l = 0; l < Layers; l++)
        {
            long row = l * n;
            for (long i = 0; i < n; i++) partner[row + i] = i;
            for (int k = 0; k < layers[l].Length; k++)
            {
                var (p, q) = layers[l][k];
                partner[row + p] = q;
                partner[row + q] = p;
                pairIndex[row + p] = pairIndex[row + q] = k;
                role[row + p] = 1;
                role[row + q] = 2;
            }
        }

        theta = new Parameter(empty(Layers, half));
        phi = new Parameter(empty(Layers, half));
        omega = new Parameter(empty(n));
        input_re = new Parameter(empty(n, inputSize));
        input_im = new Parameter(empty(n, inputSize));
        using (no_grad())
        {
            theta.uniform_(-Math.PI, Math.PI, generator);
            phi.uniform_(-Math.PI, Math.PI, generator);
            omega.uniform_(-Math.PI, Math.PI, generator);
            // Glorot-normal complex weights: each part carries half the variance, so E|w|² is Glorot's.
            WeightInit.Apply(input_re, inputInit, nameof(inputInit), generator);
            WeightInit.Apply(input_im, inputInit, nameof(inputInit), generator);
            input_re.mul_(Math.Sqrt(0.5));
            input_im.mul_(Math.Sqrt(0.5));
        }
        modrelu = new ComplexModReLU(n, generator: generator);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override NetType Kind => Cells.NetType.Eurnn;

    /// <summary>Number of tunable-space layers requested (<c>--capacity</c>); unused in FFT style.</summary>
    public int Capacity { get; }

    /// <summary>Whether the FFT-style arrangement is used.</summary>
    public bool Fft { get; }

    /// <summary>L, the number of rotation layers (capacity, or log2 N in FFT style).</summary>
    public int Layers { get; }

    /// <summary>Re h and Im h side by side.</summary>
    public override long OutputSize => 2 * HiddenSize;

    /// <summary>θ [L, N/2].</summary>
    public Parameter Theta => theta;

    /// <summary>φ [L, N/2].</summary>
    public Parameter Phi => phi;

    /// <summary>ω [N], the phases of the final diagonal.</summary>
    public Parameter Omega => omega;

    /// <summary>Re W_in [N, in].</summary>
    public Parameter InputReal => input_re;

    /// <summary>Im W_in [N, in].</summary>
    public Parameter InputImag => input_im;

    internal ComplexModReLU Activation => modrelu;

    /// <summary>
    /// The rotation pairs (p, q), p &lt; q, of each layer, in the order of their angle index.
    /// Throws an <see cref="ArgumentException"/> naming the parameter for an odd N, a capacity below 1,
    /// or an FFT-style N that is not a power of two.
    /// </summary>
    public static (int P, int Q)[][] Arrangement(long hiddenSize, int capacity, bool fft)
    {
        if (hiddenSize <= 0 || hiddenSize % 2 != 0)
            throw new ArgumentException($"EURNN needs a positive even number of hidden units (2x2 rotations), got {hiddenSize}", nameof(hiddenSize));
        if (capacity < 1)
            throw new ArgumentException($"EURNN needs at least one rotation layer, got {capacity}", nameof(capacity));
        if (hiddenSize > int.MaxValue)
            throw new ArgumentException($"too many hidden units ({hiddenSize})", nameof(hiddenSize));
        int n = (int)hiddenSize;
        if (fft)
        {
            if ((n & (n - 1)) != 0)
                throw new ArgumentException($"the FFT-style EURNN needs a power-of-two number of hidden units, got {n}", nameof(hiddenSize));
            int layers = System.Numerics.BitOperations.Log2((uint)n);
            var result = new (int, int)[layers][];
            for (int k = 0; k < layers; k++)
            {
                int stride = 1 << k;
                var pairs = new List<(int, int)>(n / 2);
                for (int start = 0; start < n; start += 2 * stride)
                    for (int j = 0; j < stride; j++)
                        pairs.Add((start + j, start + j + stride));
                result[k] = pairs.ToArray();
            }
            return result;
        }
        var tunable = new (int, int)[capacity][];
        for (int l = 0; l < capacity; l++)
        {
            var pairs = new List<(int, int)>(n / 2);
            for (int p = l % 2; p + 1 < n; p += 2) pairs.Add((p, p + 1));
            tunable[l] = pairs.ToArray();
        }
        return tunable;
    }

    /// <summary>The complex dtype of the hidden state for a real (or complex) dtype.</summary>
    public static ScalarType ComplexDtype(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 or ScalarType.ComplexFloat32 => ScalarType.ComplexFloat32,
        ScalarType.Float64 or ScalarType.ComplexFloat64 => ScalarType.ComplexFloat64,
        _ => throw new ArgumentException($"EURNN supports float32 and float64 (complex64/complex128 state), got {dtype}"),
    };

    /// <summary>Complex zeros [batch, N] (complex64 for float32, complex128 for float64).</summary>
    public override RecurrentState InitialState(long batch, Device? device = null, ScalarType dtype = ScalarType.Float32)
        => new(zeros(batch, HiddenSize, ComplexDtype(dtype), device));

    /// <summary>
    /// W = F_1ᵀ ⋯ F_Lᵀ D [N, N] (complex), built with one gather of the angles and, per layer, one
    /// column permutation and two element-wise products: (M F_lᵀ)[:, i] = a_i M[:, i] + b_i M[:, partner(i)]
    /// where a_i, b_i are row i of F_l (its diagonal and its single off-diagonal entry).
    /// </summary>
    public Tensor RecurrentMatrix()
    {
        using var scope = NewDisposeScope();
        long n = HiddenSize;
        var device = theta.device;
        var dtype = theta.dtype;
        var shape = new long[] { Layers, n };
        var partners = tensor(partner, shape, device: device);
        var index = tensor(pairIndex, shape, device: device);
        var roles = tensor(role, shape, device: device);
        var isP = roles.eq(1).to_type(dtype);
        var isQ = roles.eq(2).to_type(dtype);
        var free = roles.eq(0).to_type(dtype);

        // Per unit of each layer: cos θ, sin θ, cos φ, sin φ of the pair the unit belongs to.
        var c = theta.cos().gather(1, index);
        var s = theta.sin().gather(1, index);
        var pc = phi.cos().gather(1, index);
        var ps = phi.sin().gather(1, index);

        // Row p: (e^{iφ} c, −e^{iφ} s); row q: (c, s) on (diagonal, partner); a free unit: (1, 0).
        var a = complex(free + isP * pc * c + isQ * c, isP * ps * c);
        var b = complex(isQ * s - isP * pc * s, -(isP * ps * s));

        var w = eye(n, dtype: a.dtype, device: device);
        for (long l = 0; l < Layers; l++)
            w = w * a[l] + w.index_select(1, partners[l]) * b[l];
        w = w * complex(omega.cos(), omega.sin());
        return w.MoveToOuterDisposeScope();
    }

    /// <summary>W_in [N, in] as a complex matrix.</summary>
    public Tensor InputMatrix() => complex(input_re, input_im);

    /// <inheritdoc/>
    public override IRecurrence Prepare()
    {
        using var scope = NewDisposeScope();
        var recurrent = RecurrentMatrix();
        var inputT = InputMatrix().t();
        return new Recurrence(inputT.MoveToOuterDisposeScope(), recurrent.MoveToOuterDisposeScope(), modrelu);
    }

    private sealed class Recurrence : IFusedRecurrence
    {
        private readonly Tensor inputT;
        private readonly Tensor recurrent;
        private readonly ComplexModReLU sigma;

        public Recurrence(Tensor inputT, Tensor recurrent, ComplexModReLU sigma)
            => (this.inputT, this.recurrent, this.sigma) = (inputT, recurrent, sigma);

        public RecurrentState Step(Tensor x, RecurrentState state)
        {
            var z = x.to_type(inputT.dtype).matmul(inputT).addmm(state.Hidden, recurrent);
            return new RecurrentState(sigma.forward(z));
        }

        public Tensor Output(RecurrentState state) => cat(new[] { state.Hidden.real, state.Hidden.imag }, -1);

        /// <summary>The whole sequence in the real layout [Re | Im] (see <see cref="UnitaryBackpropThroughTime"/>).</summary>
        public (Tensor Outputs, RecurrentState Final) Unroll(Tensor inputs, RecurrentState state)
        {
            long n = recurrent.shape[0];
            var projected = inputs.to_type(inputT.real.dtype).matmul(cat(new[] { inputT.real, inputT.imag }, 1));   // [T, B, 2N]
            var (wr, wi) = (recurrent.real, recurrent.imag);
            var real = cat(new[] { cat(new[] { wr, wi }, 1), cat(new[] { -wi, wr }, 1) }, 0);                   // [2N, 2N]
            var h0 = cat(new[] { state.Hidden.real, state.Hidden.imag }, -1);
            var hiddens = UnitaryBackpropThroughTime.Apply(projected, real, h0, sigma.Bias, sigma.Epsilon);
            var last = hiddens[-1];
            return (hiddens, new RecurrentState(complex(last[.., ..(int)n], last[.., (int)n..])));
        }
    }
}
