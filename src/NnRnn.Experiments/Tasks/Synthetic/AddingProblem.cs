using System.Text.Json.Serialization;
using NnRnn.Experiments.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NnRnn.Experiments.Tasks;

/// <summary>
/// The adding problem (Hochreiter &amp; Schmidhuber 1997; Le et al. 2015): two input channels, a
/// value ~ U[0, 1) and a marker. With two markers, one sits in the first half of the sequence and
/// one in the second; with k ≠ 2 markers, k distinct positions. The target is the sum of the
/// marked values, read from the output after the last step; the loss is the mean squared error.
/// </summary>
public sealed class AddingProblem : ISyntheticTask
{
    public AddingProblem(int sequenceLength, int markers = 2)
    {
        if (sequenceLength < 2) throw new ArgumentException($"the sequence needs at least 2 steps (got {sequenceLength})", nameof(sequenceLength));
        if (markers < 1 || markers > sequenceLength) throw new ArgumentException($"must be between 1 and the sequence length (got {markers})", nameof(markers));
        Length = sequenceLength;
        Markers = markers;
    }

    public int Length { get; }

    public int Markers { get; }

    public string Name => "adding";

    public int InputSize => 2;

    public int Outputs => 1;

    public int SequenceLength => Length;

    /// <summary>Predicting the mean k/2 whatever the input: the variance of a sum of k uniforms, k/12.</summary>
    public double Baseline => Markers / 12.0;

    public string BaselineName => "baseline_mse";

    public SyntheticTaskSummary Summary(SyntheticTaskSummary common, IReadOnlyList<double> lastScores)
        => new AddingSummary(common) { BaselineMse = Baseline };

    public string? ScoreName => null;

    public double Score(Tensor outputs, Tensor target) => double.NaN;

    /// <summary>x [T, B, 2] (value, marker); y [B] the sum of the marked values.</summary>
    public (Tensor Input, Tensor Target) Batch(int batch, Generator generator)
    {
        using var scope = NewDisposeScope();
        var values = rand(new long[] { Length, batch }, generator: generator);
        Tensor positions;                                                         // [k, B]
        if (Markers == 2)
        {
            long half = Length / 2;
            var first = randint(0, half, new long[] { 1, batch }, generator: generator);
            var second = randint(half, Length, new long[] { 1, batch }, generator: generator);
            positions = cat(new[] { first, second }, 0);
        }
        else
            positions = rand(new long[] { Length, batch }, generator: generator).argsort(0)[..Markers];
        var marker = zeros(Length, batch).scatter_(0, positions, ones(Markers, batch));
        var target = (values * marker).sum(0, false);
        var input = stack(new[] { values, marker }, 2);
        return (input.MoveToOuterDisposeScope(), target.MoveToOuterDisposeScope());
    }

    public Tensor Loss(Tensor outputs, Tensor target) => nn.functional.mse_loss(outputs[-1].squeeze(-1), target);
}

/// <summary>summary.json of an adding-problem run.</summary>
public sealed record AddingSummary : SyntheticTaskSummary
{
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public AddingSummary(SyntheticTaskSummary common) : base(common) { }

    [JsonPropertyName("baseline_mse"), Headline(3)] public double BaselineMse { get; init; }
}
