using ScottPlot;

namespace NnRnn.Analysis.Figures;

/// <summary>Shared look of every analysis figure: a sans-serif font, title, axis labels, PNG output.</summary>
public static class Figure
{
    public const int Width = 800, Height = 600;

    /// <summary>A plot with title and axis labels; fails with one clear line when no font is installed.</summary>
    public static Plot Create(string title, string xLabel, string yLabel)
    {
        RequireFont();
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(title, size: 16);
        plot.XLabel(xLabel, size: 14);
        plot.YLabel(yLabel, size: 14);
        return plot;
    }

    public static void Save(Plot plot, string path, int width = Width, int height = Height)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
    }

    /// <summary>A distinct colour per series (category10).</summary>
    public static Color SeriesColor(int index) => new ScottPlot.Palettes.Category10().GetColor(index);

    /// <summary>DejaVu Sans when installed (Debian's fonts-dejavu-core), else ScottPlot's sans-serif choice.</summary>
    private static string FontName => SkiaSharp.SKFontManager.Default.FontFamilies.Contains("DejaVu Sans") ? "DejaVu Sans" : Fonts.Sans;

    /// <summary>
    /// Skia finds fonts under /usr/share/fonts; a bare system (a fresh Debian container) has none
    /// and would render figures without any text.
    /// </summary>
    private static void RequireFont()
    {
        // Without fonts Skia reports one unnamed family and a default typeface with no glyphs.
        if (SkiaSharp.SKFontManager.Default.FontFamilies.All(string.IsNullOrEmpty) || SkiaSharp.SKTypeface.Default.GlyphCount == 0)
            throw new FigureException("figures: no font installed (install fonts-dejavu-core: apt-get install fonts-dejavu-core)");
    }
}

/// <summary>A figure cannot be drawn on this machine (e.g. no font).</summary>
public sealed class FigureException(string message) : Exception(message);
