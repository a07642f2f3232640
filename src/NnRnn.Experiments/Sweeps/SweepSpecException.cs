namespace NnRnn.Experiments.Sweeps;

/// <summary>A sweep spec that cannot be run: the message names the file, the key and what was expected.</summary>
public sealed class SweepSpecException(string file, string key, string problem)
    : ArgumentException($"{file}: {key}: {problem}");
