using System.Text.RegularExpressions;

namespace NnRnn.Golden;

/// <summary>Where a reference (PyTorch) parameter lives in our modules.</summary>
/// <param name="Name">Our parameter's name, or null for the orthogonal matrix itself (P, recurrent_kernel).</param>
/// <param name="Index">An element of a vector parameter (nnRNN's θ_k, γ_k), or null for the whole tensor.</param>
/// <param name="Unused">A reference parameter outside the forward graph (nnRNN's θ_k for k ≥ N/2).</param>
public sealed record ParameterLocation(string? Name, int? Index = null, bool Unused = false)
{
    public bool IsOrthogonalMatrix => Name is null && !Unused;
}

/// <summary>
/// Maps the reference's parameter names onto ours. The reference keeps nnRNN's angles and
/// scales as N separate scalars (theta_k, alpha_k) where we keep vectors θ, γ of N/2, and stores
/// the orthogonal matrix (P / recurrent_kernel) as a parameter where we derive it from its log.
/// </summary>
public static class ReferenceNames
{
    /// <param name="netType">RNN, expRNN, nnRNN or LSTM.</param>
    /// <param name="name">The reference name, without a "rnn." prefix.</param>
    /// <param name="hidden">N, to tell used angles from unused ones.</param>
    public static ParameterLocation Map(string netType, string name, long hidden)
    {
        switch (netType)
        {
            case "nnRNN":
                if (name == "log_P") return new("P.log");
                if (name == "P") return new(null);
                if (name == "UppT") return new("T");
                var theta = Regex.Match(name, @"^theta_(\d+)$");
                if (theta.Success)
                {
                    int k = int.Parse(theta.Groups[1].Value);
                    return k < hidden / 2 ? new("theta", k) : new(null, Unused: true);
                }
                var alpha = Regex.Match(name, @"^alpha_(\d+)$");
                if (alpha.Success) return new("gamma", int.Parse(alpha.Groups[1].Value));
                return new(name);
            case "expRNN":
                if (name == "log_recurrent_kernel") return new("orthogonal.log");
                if (name == "recurrent_kernel") return new(null);
                if (name == "input_kernel.weight") return new("U.weight");
                return new(name);
            default:
                return new(name);
        }
    }
}
