namespace Escalation.Functions.Commands;

/// <summary>
/// A running count on stderr for long work (an import, a demo): rewritten in place on a terminal; on a redirected stderr
/// one line per step, and only where the work is large. Small work into a redirected stderr (tests, scripts) prints nothing.
/// </summary>
internal sealed class ProgressLine(TextWriter stderr, bool terminal)
{
    private int _width;

    /// <summary>On a terminal only: null when stderr is redirected.</summary>
    public static ProgressLine? OnTerminal(TextWriter stderr) => IsTerminal(stderr) ? new ProgressLine(stderr, terminal: true) : null;

    /// <summary>On a terminal, or for an input of at least <paramref name="largeBytes"/> (CSV files of a folder, or a workbook).</summary>
    public static ProgressLine? ForInput(string path, long largeBytes, TextWriter stderr)
    {
        var terminal = IsTerminal(stderr);
        return terminal || InputBytes(path) >= largeBytes ? new ProgressLine(stderr, terminal) : null;
    }

    public void Show(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (terminal)
        {
            stderr.Write("\r" + text + new string(' ', Math.Max(0, _width - Help.Width(text))));
            _width = Help.Width(text);
        }
        else
        {
            stderr.WriteLine(text);
        }

        stderr.Flush();
    }

    public void Done()
    {
        if (terminal && _width > 0)
        {
            stderr.Write("\r" + new string(' ', _width) + "\r");
            stderr.Flush();
        }
    }

    private static bool IsTerminal(TextWriter stderr) => ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;

    private static long InputBytes(string path)
    {
        try
        {
            return Directory.Exists(path) ? new DirectoryInfo(path).EnumerateFiles("*.csv").Sum(f => f.Length)
                : File.Exists(path) ? new FileInfo(path).Length
                : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
