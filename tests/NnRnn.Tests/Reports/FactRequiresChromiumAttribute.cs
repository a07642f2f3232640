using Xunit;

namespace NnRnn.Tests.Reports;

/// <summary>A fact that needs headless Chromium (Debian's chromium package); skipped, saying so, where it is not on PATH.</summary>
public sealed class FactRequiresChromiumAttribute : FactAttribute
{
    public FactRequiresChromiumAttribute()
    {
        if (Path is null) Skip = "chromium is not installed (apt-get install chromium; CI installs it): index.html was not rendered";
    }

    /// <summary>The browser's path, or null.</summary>
    public static string? Path
        => new[] { "chromium", "chromium-browser" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => System.IO.Path.Combine(d, name)))
            .FirstOrDefault(File.Exists);
}
