using NnRnn.Orthogonal;

namespace NnRnn.Cells;

/// <summary>Weight initialisers (<c>--rinit</c>, <c>--iinit</c>; spellings in <see cref="SeedNames"/>).</summary>
public enum Initializer
{
    /// <summary>Glorot normal.</summary>
    Xavier,

    /// <summary>He normal.</summary>
    Kaiming,

    /// <summary>Orthogonal: expm of Henaff et al.'s block-diagonal skew matrix.</summary>
    Henaff,

    /// <summary>Orthogonal: expm of a Cayley-distributed block-diagonal skew matrix.</summary>
    Cayley,

    /// <summary>Orthogonal: a random special orthogonal matrix.</summary>
    Random,
}

/// <summary>Initialiser kinds.</summary>
public static class InitializerKinds
{
    /// <summary>True for the initialisers that give an orthogonal matrix through a skew coordinate (<see cref="SkewInitializers"/>).</summary>
    public static bool IsOrthogonal(this Initializer init) => init is Initializer.Henaff or Initializer.Cayley or Initializer.Random;
}
