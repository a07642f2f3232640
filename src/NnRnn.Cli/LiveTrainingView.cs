using NnRnn.Experiments.Training;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NnRnn.Cli;

/// <summary>
/// The terminal's live progress line of a training run (Spectre.Console live display, redrawn four
/// times a second on its own thread); the task's display prints the permanent lines above it.
/// Used only when <see cref="ConsoleMode.Live"/>.
/// </summary>
public sealed class LiveTrainingView(IAnsiConsole console) : ITrainingObserver, IDisposable
{
    private readonly TrainingProgress progress = new();
    private readonly Lock gate = new();
    private readonly ManualResetEventSlim ended = new();
    private Thread? thread;

    public LiveTrainingView() : this(AnsiConsole.Console) { }

    public void RunStarted(RunStarted run)
    {
        // the live display hides the cursor: Ctrl+C must not leave the terminal without one
        Console.CancelKeyPress += (_, _) => console.Cursor.Show(true);
        thread = new Thread(() => console.Live(Render()).AutoClear(true).Start(ctx =>
        {
            while (!ended.Wait(250)) ctx.UpdateTarget(Render());
        })) { IsBackground = true, Name = "live progress" };
        thread.Start();
    }

    public void Updated(UpdateProgress update)
    {
        lock (gate) progress.Observe(update);
    }

    public void RunEnded(RunEnded end) => Dispose();

    /// <summary>Stops the live display (also when the run failed with an exception and never ended).</summary>
    public void Dispose()
    {
        ended.Set();
        thread?.Join();
        thread = null;
    }

    /// <summary>The bar and the progress line, as drawn now.</summary>
    public IRenderable Render()
    {
        lock (gate) return Render(progress);
    }

    public static IRenderable Render(TrainingProgress p)
    {
        const int width = 12;
        int done = (int)Math.Round(p.Fraction * width);
        return new Markup($"[green]{new string('━', done)}[/][grey]{new string('━', width - done)}[/] {p.Fraction * 100,3:F0}%  {Markup.Escape(p.Text())}");
    }
}
