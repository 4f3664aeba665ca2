using Escalation.Functions.Commands;
using Escalation.Functions.Tests.Import;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// <c>run</c> on the command line, on a clock that moves on as the code reads it (as the real one does): each message is
/// published a little after the one that set it off, and the cycle must still carry everything through to delivery.
/// </summary>
public sealed class RunCommandTests : IDisposable
{
    // Monday 2026-06-01 10:00 Asia/Shanghai: a working day, inside the sending window.
    private static readonly Instant MondayMorning = Instant.FromUtc(2026, 6, 1, 2, 0);

    private readonly TempFolder _files = new();

    [Fact]
    public void Run_LogsAndSendsThenSendsNothing_WhenRunTwiceTheSameDay()
    {
        var store = _files["store"];
        var outbox = _files["outbox"];
        var clock = new FakeClock(MondayMorning, Duration.FromMilliseconds(1));
        Assert.Equal(Cli.Ok, Cli.Run(["import", Repo.Samples, "--store", store], TextWriter.Null, TextWriter.Null, _ => null, clock));

        var (firstCode, firstEvents, firstSummary) = Run(clock, "run", "--store", store, "--outbox", outbox);
        var (secondCode, secondEvents, secondSummary) = Run(clock, "run", "--store", store, "--outbox", outbox);

        Assert.Equal(Cli.Ok, firstCode);
        Assert.NotEmpty(firstEvents);
        Assert.Contains($"{firstEvents.Count} new events, ", firstSummary, StringComparison.Ordinal);
        Assert.DoesNotContain(" 0 messages sent", firstSummary, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(outbox, "email")));
        Assert.Equal(Cli.Ok, secondCode);
        Assert.Empty(secondEvents);
        Assert.Contains("0 new events, 0 messages sent", secondSummary, StringComparison.Ordinal);
        Assert.DoesNotContain("wait for the sending window", secondSummary, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();

    private static (int Code, IReadOnlyList<string> Events, string Summary) Run(IClock clock, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr, _ => null, clock);
        return (code, stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), stderr.ToString());
    }
}
