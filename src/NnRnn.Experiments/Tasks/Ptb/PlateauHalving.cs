namespace NnRnn.Experiments.Tasks;

/// <summary>
/// The reference's PTB schedule: after each epoch, a validation loss below the best so far is a new
/// best (save the model); otherwise both learning rates are halved. The first usable epoch is
/// always a best (an exploded loss never is). The learning rates are then (lr, lr_orth) · <see cref="Scale"/>, exactly (a power of two).
/// </summary>
public sealed class PlateauHalving
{
    /// <summary>Best validation loss so far, or null before the first epoch ended.</summary>
    public double? BestLoss { get; private set; }

    /// <summary>Epoch of <see cref="BestLoss"/> (0 before the first epoch ended).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>How many times the learning rates were halved.</summary>
    public int Halvings { get; private set; }

    /// <summary>0.5^<see cref="Halvings"/>.</summary>
    public double Scale => Math.ScaleB(1.0, -Halvings);

    /// <summary>
    /// Records an epoch's validation loss; true for a new best, false when the rates must be halved.
    /// A loss that is not <paramref name="usable"/> (exploded) is never a best, not even the first.
    /// </summary>
    public bool Observe(int epoch, double validLoss, bool usable = true)
    {
        if (usable && (BestLoss is not double best || validLoss < best))
        {
            BestLoss = validLoss;
            BestEpoch = epoch;
            return true;
        }
        Halvings++;
        return false;
    }

    /// <summary>A schedule in a saved position (resume).</summary>
    public static PlateauHalving Restore(double? bestLoss, int bestEpoch, int halvings)
    {
        if (halvings < 0) throw new ArgumentOutOfRangeException(nameof(halvings), halvings, "must be non-negative");
        return new PlateauHalving { BestLoss = bestLoss, BestEpoch = bestEpoch, Halvings = halvings };
    }
}
