using static TorchSharp.torch;

namespace NnRnn.Parametrizations;

/// <summary>
/// A forward context (one sequence, one batch) in which each constrained weight is computed once
/// and reused at every read; see <see cref="Parametrize.Cached"/>. A value is recomputed inside the
/// scope when its free parameters changed (e.g. an <c>optimizer.step()</c> inside the scope).
/// </summary>
public sealed class ParametrizationCache : IDisposable
{
    [ThreadStatic] private static ParametrizationCache? current;

    private readonly ParametrizationCache? outer;
    private readonly Dictionary<ConstrainedParameter, (Tensor Value, Tensor[] Snapshot)> values = new(ReferenceEqualityComparer.Instance);
    private readonly List<Tensor> stale = new();
    private bool disposed;

    internal ParametrizationCache()
    {
        outer = current;
        current = this;
    }

    /// <summary>The innermost open scope on this thread, or null.</summary>
    internal static ParametrizationCache? Current => current;

    /// <summary>How many values were computed in this scope (a test hook: reads that hit the cache do not count).</summary>
    public int Computations { get; private set; }

    internal Tensor GetOrCompute(ConstrainedParameter owner, Func<Tensor> compute)
    {
        var free = owner.FreeTensors();
        if (values.TryGetValue(owner, out var hit) && !hit.Value.IsInvalid && Unchanged(free, hit.Snapshot))
            return hit.Value;
        if (values.Remove(owner, out var old)) Release(old);
        var value = compute().DetachFromDisposeScope();
        Tensor[] snapshot;
        using (no_grad()) snapshot = free.Select(f => f.detach().clone().DetachFromDisposeScope()).ToArray();
        values[owner] = (value, snapshot);
        Computations++;
        return value;
    }

    internal void Forget(ConstrainedParameter owner)
    {
        if (values.Remove(owner, out var entry)) Release(entry);
    }

    private static bool Unchanged(Tensor[] free, Tensor[] snapshot)
    {
        using var _ = no_grad();
        for (int i = 0; i < free.Length; i++)
            if (!free[i].detach().equal(snapshot[i]).all().item<bool>()) return false;
        return true;
    }

    // A stale value may still be held by the caller: it lives until the scope closes.
    private void Release((Tensor Value, Tensor[] Snapshot) entry)
    {
        stale.Add(entry.Value);
        foreach (var s in entry.Snapshot) s.Dispose();
    }

    /// <summary>Closes the scope: the cached values are released (graphs already built keep what they need).</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var entry in values.Values) Release(entry);
        values.Clear();
        foreach (var v in stale) v.Dispose();
        stale.Clear();
        current = outer;
    }
}
