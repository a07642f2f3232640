using System.Globalization;
using NnRnn.Experiments.Sweeps;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NnRnn.Cli;

/// <summary>
/// A sweep on the terminal: a live table with one line per running run (position, loss, accuracy)
/// under the overall count; each ended run leaves a permanent line above it. Without
/// <c>live</c> (not a terminal) only the permanent lines are printed.
/// </summary>
public sealed class SpectreSweepView(IAnsiConsole console, bool live) : ISweepObserver
{
    private sealed record Running(long Position, long Total, double? Loss, double? Accuracy);

    private readonly Lock gate = new();
    private readonly Dictionary<string, Running> running = new();
    private readonly List<string> order = new();
    private readonly ManualResetEventSlim ended = new();
    private Thread? thread;
    private string name = "";
    private int total, skipped, finished, failed;

    public SpectreSweepView() : this(AnsiConsole.Console, ConsoleMode.Live) { }

    public void SweepStarted(string sweep, int total, int alreadyFinished)
    {
        lock (gate) (name, this.total, skipped) = (sweep, total, alreadyFinished);
        console.MarkupLineInterpolated($"[bold]sweep {sweep}[/]: {total} runs, {alreadyFinished} already finished");
        if (!live) return;
        thread = new Thread(() => console.Live(Render()).AutoClear(true).Start(ctx =>
        {
            while (!ended.Wait(250)) ctx.UpdateTarget(Render());
        })) { IsBackground = true, Name = "sweep progress" };
        thread.Start();
    }

    public void RunStarted(string label)
    {
        lock (gate)
        {
            running[label] = new Running(0, 0, null, null);
            order.Remove(label);
            order.Add(label);
        }
        if (!live) console.WriteLine($"started {label}");
    }

    public void RunProgress(string label, long position, long total, double? loss, double? accuracy)
    {
        lock (gate) running[label] = new Running(position, total, loss, accuracy);
    }

    public void RunEnded(string label, string status)
    {
        lock (gate)
        {
            running.Remove(label);
            order.Remove(label);
            if (status == "finished") finished++;
            else failed++;
        }
        var colour = status == "finished" ? "green" : "red";
        console.MarkupLine($"[{colour}]{Markup.Escape(status)}[/] {Markup.Escape(label)}  ({Count()})");
    }

    public void SweepEnded(int finished, int failed)
    {
        ended.Set();
        thread?.Join();
        console.MarkupLineInterpolated($"[bold]sweep {name}[/]: {finished} finished, {failed} failed or diverged, of {total}");
    }

    /// <summary>"7/12 done, 2 running, 1 failed" (runs skipped as finished count as done).</summary>
    public string Count()
    {
        lock (gate) return CountUnlocked();
    }

    /// <summary>The overall count and one row per running run, as drawn now.</summary>
    public IRenderable Render()
    {
        lock (gate)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumns("run", "progress", "loss", "acc");
            foreach (var label in order)
            {
                var r = running[label];
                var position = r.Total > 0 ? $"{r.Position}/{r.Total} ({100.0 * r.Position / r.Total:F0}%)" : r.Position > 0 ? $"{r.Position}" : "starting";
                table.AddRow(Markup.Escape(label), position, Number(r.Loss), Number(r.Accuracy));
            }
            var header = new Markup($"[bold]sweep {Markup.Escape(name)}[/]: {Markup.Escape(CountUnlocked())}");
            return new Rows(header, table);
        }
    }

    private string CountUnlocked() => $"{skipped + finished + failed}/{total} done, {running.Count} running, {failed} failed";

    private static string Number(double? v) => v is { } d ? d.ToString("F4", CultureInfo.InvariantCulture) : "–";
}
