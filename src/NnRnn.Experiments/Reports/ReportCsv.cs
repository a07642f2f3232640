using System.Globalization;
using System.Text;

namespace NnRnn.Experiments.Reports;

/// <summary>A table as CSV, one line per model and column: the numbers of the Markdown cell, unrounded.</summary>
public static class ReportCsv
{
    public const string Header = "task,model,net_type,nhid,parameters,column,metric,mean,se,n";

    public static string Write(ReportTable table)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var model in table.Rows)
            foreach (var column in table.Columns)
                if (table.Cell(model, column) is { Value: var v })
                    text.Append(string.Join(",", table.Task, Quote(model.Label), model.NetType, model.HiddenSize,
                        table.Parameters.TryGetValue(model, out var n) ? n.ToString(CultureInfo.InvariantCulture) : "", Quote(column), table.Spec.Metric,
                        Number(v.Mean), double.IsNaN(v.Se) ? "" : Number(v.Se), v.N)).Append('\n');
        return text.ToString();
    }

    private static string Number(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
