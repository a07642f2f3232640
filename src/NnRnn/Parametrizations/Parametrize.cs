using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Parametrizations;

/// <summary>
/// Constrains a parameter of any TorchSharp module in one line, e.g.
/// <c>Parametrize.Orthogonal(linear, "weight")</c>: the module's parameter is replaced by free
/// parameters (registered as <c>{name}_parametrization</c>, so <c>module.parameters()</c> hands
/// them to any optimizer) and its forward reads the constrained weight. Invoke the module with
/// <c>call</c> (or <c>forward</c> inside a hook-free model after <see cref="Refresh"/>) and wrap a
/// forward in <see cref="Cached"/> to compute each constrained weight once.
/// </summary>
public static class Parametrize
{
    /// <summary>
    /// W ∈ O(n): W = base · φ(skew(log)), starting at the orthogonal matrix closest to the current
    /// weight (or a draw from <paramref name="init"/>).
    /// </summary>
    /// <param name="module">The module owning the parameter.</param>
    /// <param name="name">The parameter's name in the module (e.g. "weight").</param>
    /// <param name="map">φ: expm (Fréchet-derivative gradient) or Cayley.</param>
    /// <param name="dtrivEvery">Dynamic trivialisation: re-base every this many optimizer updates (0: never).</param>
    /// <param name="init">Draw the starting point from this distribution instead of projecting the current weight.</param>
    /// <param name="generator">Random draws come from it (libtorch's global generator when null).</param>
    public static OrthogonalParametrization Orthogonal(nn.Module module, string name, OrthogonalMap map = OrthogonalMap.Exp,
        int dtrivEvery = 0, OrthogonalInit? init = null, Generator? generator = null)
        => Orthogonal(module, name, map, dtrivEvery, init, generator, special: false);

    /// <summary>W ∈ SO(n) (det W = +1); otherwise as <see cref="Orthogonal(nn.Module, string, OrthogonalMap, int, OrthogonalInit?, Generator?)"/>.</summary>
    /// <param name="module">The module owning the parameter.</param>
    /// <param name="name">The parameter's name in the module.</param>
    /// <param name="map">φ: expm or Cayley.</param>
    /// <param name="dtrivEvery">Re-base every this many optimizer updates (0: never).</param>
    /// <param name="init">Draw the starting point from this distribution instead of projecting the current weight.</param>
    /// <param name="generator">Random draws come from it.</param>
    public static OrthogonalParametrization SpecialOrthogonal(nn.Module module, string name, OrthogonalMap map = OrthogonalMap.Exp,
        int dtrivEvery = 0, OrthogonalInit? init = null, Generator? generator = null)
        => Orthogonal(module, name, map, dtrivEvery, init, generator, special: true);

    /// <summary>W ∈ U(n) for a complex weight: W = base · φ(½(F − Fᴴ)), starting at the unitary matrix closest to the current weight.</summary>
    /// <param name="module">The module owning the parameter (complex64 or complex128).</param>
    /// <param name="name">The parameter's name in the module.</param>
    /// <param name="map">φ: expm or Cayley.</param>
    /// <param name="init">Draw the starting point from this distribution instead of projecting the current weight.</param>
    /// <param name="generator">Random draws come from it.</param>
    public static UnitaryParametrization Unitary(nn.Module module, string name, OrthogonalMap map = OrthogonalMap.Exp,
        OrthogonalInit? init = null, Generator? generator = null)
    {
        var (parameter, field) = ModuleBinding.Find(module, name);
        UnitaryParametrization.RequireSquareComplex(parameter, $"parameter '{name}' (unitary)");
        UnitaryParametrization handle;
        using (no_grad()) handle = new UnitaryParametrization(OrthogonalSamples.Polar(parameter.detach()), map);
        if (init is { } i) handle.Sample(i, generator);
        ModuleBinding.Bind(module, name, field, handle);
        return handle;
    }

    /// <summary>W skew-symmetric (Wᵀ = −W), starting at the skew part triu(W, 1) − triu(W, 1)ᵀ of the current weight.</summary>
    /// <param name="module">The module owning the parameter.</param>
    /// <param name="name">The parameter's name in the module.</param>
    public static SkewParametrization Skew(nn.Module module, string name)
    {
        var (parameter, field) = ModuleBinding.Find(module, name);
        OrthogonalParametrization.RequireSquareReal(parameter, $"parameter '{name}' (skew-symmetric)");
        var handle = new SkewParametrization(parameter);
        ModuleBinding.Bind(module, name, field, handle);
        return handle;
    }

    /// <summary>W = P (Λ + T ⊙ M) Pᵀ, nnRNN's Schur family (even n), initialised as the paper does (the current weight is discarded).</summary>
    /// <param name="module">The module owning the parameter.</param>
    /// <param name="name">The parameter's name in the module.</param>
    /// <param name="map">φ of the orthogonal basis P.</param>
    /// <param name="basisInit">Distribution of P.</param>
    /// <param name="generator">Random draws come from it.</param>
    public static SchurParametrization Schur(nn.Module module, string name, OrthogonalMap map = OrthogonalMap.Exp,
        OrthogonalInit basisInit = OrthogonalInit.Cayley, Generator? generator = null)
    {
        var (parameter, field) = ModuleBinding.Find(module, name);
        OrthogonalParametrization.RequireSquareReal(parameter, $"parameter '{name}' (Schur form)");
        var handle = new SchurParametrization(parameter.shape[0], parameter.dtype, map, basisInit, generator);
        ModuleBinding.Bind(module, name, field, handle);
        return handle;
    }

    /// <summary>
    /// Opens a forward context: until it is disposed each constrained weight is computed once (and
    /// again only if its free parameters change, e.g. after <c>optimizer.step()</c>).
    /// <code>using (Parametrize.Cached()) { var loss = ...; loss.backward(); }</code>
    /// </summary>
    public static ParametrizationCache Cached() => new();

    /// <summary>Points <paramref name="module"/>'s constrained fields at their current values (for callers of <c>forward</c>, which runs no hooks).</summary>
    public static void Refresh(nn.Module module)
    {
        foreach (var (_, sub) in module.named_modules().Prepend(("", module)))
            foreach (var name in sub.named_children().Select(c => c.name).Where(n => n.EndsWith("_parametrization")).ToArray())
                ModuleBinding.Of(sub, name[..^"_parametrization".Length])?.Assign();
    }

    /// <summary>Whether <paramref name="name"/> of <paramref name="module"/> is constrained.</summary>
    public static bool IsParametrized(nn.Module module, string name) => ModuleBinding.Of(module, name) is not null;

    /// <summary>Removes the constraint: the module gets back a plain Parameter holding the current constrained value.</summary>
    public static void Remove(nn.Module module, string name)
    {
        var binding = ModuleBinding.Of(module, name)
            ?? throw new ParameterNotFoundException(name, "it is not constrained (nothing to remove).");
        binding.Remove();
    }

    private static OrthogonalParametrization Orthogonal(nn.Module module, string name, OrthogonalMap map, int dtrivEvery,
        OrthogonalInit? init, Generator? generator, bool special)
    {
        var (parameter, field) = ModuleBinding.Find(module, name);
        OrthogonalParametrization.RequireSquareReal(parameter, $"parameter '{name}' ({(special ? "special orthogonal" : "orthogonal")})");
        OrthogonalParametrization handle;
        using (no_grad()) handle = new OrthogonalParametrization(OrthogonalSamples.Polar(parameter.detach(), special), map, special, dtrivEvery);
        if (init is { } i) handle.Sample(i, generator);
        ModuleBinding.Bind(module, name, field, handle);
        return handle;
    }
}
