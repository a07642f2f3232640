using System.Numerics;
using ScottPlot;

namespace NnRnn.Analysis.Figures;

/// <summary>Several runs side by side (the paper's nnRNN vs expRNN): eigenvalues and angle histograms, one PNG.</summary>
public static class CompareFigure
{
    public static void Save(string path, IReadOnlyList<(string Label, Complex[] Eigenvalues, double[] Angles)> runs)
    {
        var multiplot = new Multiplot();
        // A new Multiplot holds one empty plot: Reset replaces it.
        multiplot.Reset(EigenvalueFigure.Build("Eigenvalues of W", runs.Select(r => (r.Label, r.Eigenvalues)).ToList()));
        multiplot.AddPlot(AngleHistogramFigure.Build("Rotation angles of the Schur blocks", runs.Select(r => (r.Label, r.Angles)).ToList()));
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        multiplot.SavePng(path, 1500, 650);
    }
}
