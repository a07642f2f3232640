namespace NnRnn.Golden;

/// <summary>The max error of one quantity of one case against its bound.</summary>
public sealed record QuantityResult(string Quantity, double MaxError, bool Passed);

/// <summary>All quantities checked for one golden case.</summary>
public sealed class CaseResult
{
    public CaseResult(string name) => Name = name;

    public string Name { get; }

    public List<QuantityResult> Quantities { get; } = new();

    /// <summary>Set when the case could not be built or run at all.</summary>
    public string? Error { get; set; }

    public bool Passed => Error is null && Quantities.All(q => q.Passed);

    public void Add(string quantity, (double MaxError, bool Passed) r) => Quantities.Add(new(quantity, r.MaxError, r.Passed));

    /// <summary>One line: PASS/FAIL, the case, then quantity=maxerror (failing ones marked with !).</summary>
    public string Line()
    {
        var status = Passed ? "PASS" : "FAIL";
        if (Error is not null) return $"{status} {Name}: {Error}";
        var parts = Quantities.Select(q => $"{q.Quantity}={q.MaxError:0.##e+0}{(q.Passed ? "" : "!")}");
        return $"{status} {Name} " + string.Join(" ", parts);
    }
}
