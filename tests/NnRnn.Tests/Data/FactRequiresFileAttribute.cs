using Xunit;

namespace NnRnn.Tests.Data;

/// <summary>
/// A [Fact] that is reported as skipped, with the reason, when a real data file it needs is absent
/// (e.g. on a machine without the shared PTB files or Debian's Fashion-MNIST package).
/// </summary>
public sealed class FactRequiresFileAttribute : FactAttribute
{
    public FactRequiresFileAttribute(string path)
    {
        string resolved = TestData.Resolve(path);
        if (!File.Exists(resolved)) Skip = $"data file {resolved} is missing";
    }
}
