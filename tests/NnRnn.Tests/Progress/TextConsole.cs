using Spectre.Console;

namespace NnRnn.Tests.Progress;

/// <summary>A Spectre console that renders plain text (no colours, no cursor codes) into a string, 200 columns wide.</summary>
internal sealed class TextConsole
{
    private readonly StringWriter writer = new();

    public TextConsole()
    {
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        Console.Profile.Width = 200;
    }

    public IAnsiConsole Console { get; }

    public string Text => writer.ToString();
}
