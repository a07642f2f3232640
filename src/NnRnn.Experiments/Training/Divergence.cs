using System.Text.Json.Serialization;

namespace NnRnn.Experiments.Training;

/// <summary>Where a run diverged: the update (or the epoch's end) and the quantity that was not finite.</summary>
/// <param name="Update">Updates done when it was found (the update that produced it).</param>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Quantity">loss, gradient norm, or validation loss.</param>
/// <param name="Value">The value (NaN, ±infinity, or a finite value past the exploding bound).</param>
public sealed record Divergence(
    [property: JsonPropertyName("update")] long Update,
    [property: JsonPropertyName("epoch")] int Epoch,
    [property: JsonPropertyName("quantity")] string Quantity,
    [property: JsonPropertyName("value")] double Value)
{
    /// <summary>The one line the command prints.</summary>
    [JsonIgnore]
    public string Message => $"diverged at update {Update} (epoch {Epoch}): {Quantity} is {Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>
    /// A validation cross-entropy that may count as a best epoch: finite and below
    /// <see cref="ExplodingFactor"/> times ln(classes), the loss of a uniform guess. A model that far
    /// beyond guessing has exploded (issue 7 item 15: 3.5e29 nats per character on PTB).
    /// </summary>
    public static bool UsableValidationLoss(double loss, long classes) => double.IsFinite(loss) && loss <= ExplodingFactor * Math.Log(classes);

    /// <summary>How many times the uniform guess's loss a validation loss may reach before it counts as exploded.</summary>
    public const double ExplodingFactor = 100;
}

/// <summary>Thrown inside the loop by a task that found a non-finite value; the <see cref="Trainer"/> ends the run as diverged.</summary>
public sealed class RunDivergedException(Divergence divergence) : Exception(divergence.Message)
{
    public Divergence Divergence { get; } = divergence;
}

/// <summary>summary.json of a diverged run: where it diverged (the task's own metrics are not computed).</summary>
public sealed record DivergedSummary : RunSummary
{
    [JsonPropertyName("diverged"), JsonPropertyOrder(1)] public required Divergence Divergence { get; init; }
}
