using NnRnn.Cells.Kernels;
using NnRnn.Devices;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Cells;

/// <summary>
/// U(x) = x Uᵀ + b over a whole sequence ([T, B, k] → [T, B, N]) as one autograd node whose output
/// comes from <see cref="TensorMemoryPool"/>: on psMNIST's 784 × 100 × 512 it is 160 MB, which a fresh
/// allocation makes the kernel zero every update, and with one input feature (k = 1) libtorch's
/// product runs far below the BLAS's rate; here k = 1 is a broadcast multiply-add, one pass over the
/// output each way (<see cref="ScalarInputKernel"/>). Backward:
/// dL/dx = G U, dL/dU = Gᵀ x, dL/db = Σ G, with G = dL/dU(x) flattened to [T·B, N].
/// </summary>
internal sealed class InputProjection : autograd.SingleTensorFunction<InputProjection>
{
    public override string Name => "InputProjection";

    /// <summary>Whether the projection of <paramref name="inputs"/> is large enough for the pool (CPU float32).</summary>
    public static bool Worthwhile(Tensor inputs, long outputs)
        => inputs.device_type == DeviceType.CPU && inputs.dtype == ScalarType.Float32 && TensorMemoryPool.Enabled
           && inputs.shape[0] * inputs.shape[1] * outputs * 4 >= TensorMemoryPool.MinimumBytes;

    public static Tensor Apply(Tensor inputs, Tensor weight, Tensor? bias) => apply(inputs, weight, bias!);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (x, w, b) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor?)vars[2]);
        long steps = x.shape[0], batch = x.shape[1], k = x.shape[2], n = w.shape[0];
        var output = TensorMemoryPool.Empty(new[] { steps, batch, n }, x.dtype, x.device);
        bool scalar = k == 1 && KernelSelection.Enabled;
        if (scalar)
        {
            using var xc = x.detach().contiguous();
            using var u = w.detach().reshape(n).contiguous();
            using var bc = b?.detach().contiguous();
            ScalarInputKernel.Forward(TensorMemory.Of<float>(output), TensorMemory.Of<float>(xc), TensorMemory.Of<float>(u),
                bc is null ? default : TensorMemory.Of<float>(bc), (int)(steps * batch), (int)n, get_num_threads());
        }
        else using (var scope = NewDisposeScope())
        {
            if (b is not null) output.copy_(b.expand(steps, batch, n));
            else output.zero_();
            if (k == 1) output.addcmul_(x, w.reshape(n), 1);                      // x_tb · u (broadcast), no k = 1 product
            else output.view(-1, n).addmm_(x.reshape(-1, k), w.t(), 1, 1);
        }
        ctx.save_for_backward(new List<Tensor> { x, w });
        ctx.save_data("bias", b is not null);
        ctx.save_data("scalar", scalar);
        ctx.save_data("inputGrad", x.requires_grad);   // data (pixels, embeddings' rows) often needs none
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
    {
        var saved = ctx.get_saved_variables();
        var (x, w) = (saved[0], saved[1]);
        long k = x.shape[2], n = w.shape[0];
        using var scope = NewDisposeScope();
        var g = grad.reshape(-1, n);
        var x2 = x.reshape(-1, k);
        var gradX = (bool)ctx.get_data("inputGrad") ? g.mm(w).reshape(x.shape).MoveToOuterDisposeScope() : null;
        Tensor gradW;
        Tensor? gradB;
        if ((bool)ctx.get_data("scalar"))
        {
            var gc = g.contiguous();
            var xc = x2.contiguous();
            var (u, bias) = ScalarInputKernel.Backward(TensorMemory.Of<float>(gc), TensorMemory.Of<float>(xc), (int)gc.shape[0], (int)n, get_num_threads());
            gradW = tensor(u).to_type(w.dtype).reshape(n, 1).MoveToOuterDisposeScope();
            gradB = (bool)ctx.get_data("bias") ? tensor(bias).to_type(w.dtype).MoveToOuterDisposeScope() : null;
        }
        else
        {
            gradW = g.t().mm(x2).MoveToOuterDisposeScope();
            gradB = (bool)ctx.get_data("bias") ? g.sum(0L).MoveToOuterDisposeScope() : null;   // 0L: a literal 0 would bind to sum(ScalarType)
        }
        return new List<Tensor> { gradX!, gradW, gradB! };
    }
}
