using System.Text.Json;
using Escalation.Functions.Commands;
using Escalation.Functions.Tests.Import;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.EndToEnd;

/// <summary>
/// Found in review of issue 13, through the command line as an office uses it: a notice repeated every N days is one
/// demand, and a reminder worded for one day is not sent on a later one.
/// </summary>
public sealed class RepeatedNoticeAndLateChaseTests : IDisposable
{
    private readonly TempFolder _temp = new();

    // Scenario repeated-rectification: R3 is the shipped R3 (rectification in 15 calendar days, rolled) with the
    // repeat the docs show ("每5个工作日，直至升级"), R7 the shipped demand-overdue summons. The milestone of 06-05 is missed;
    // R3 notifies on 06-06 and repeats on 06-12 and 06-22, every one demanding the same rectification by 06-22. The unit
    // files its rectification (with evidence: one without never meets a demand) against the first notice on 06-15, a week early. The repeats fold into the first notice's
    // demand, which the answer meets: nobody is summoned (before the fix each repeat was a demand of its own, and R7
    // summoned the principal and deputy twice in one letter listing the same task twice).
    [Fact]
    public void Simulate_SummonsNobody_WhenTheUnitRectifiedInTimeAgainstTheFirstOverdueNotice_ThoughR3RepeatedIt()
    {
        var run = SimulatedRun.Of(_temp, "repeated-rectification", "2026-06-01", "2026-07-10");

        Assert.Equal(3, run.OfRule("R3").Count);
        Assert.Empty(run.OfRule("R7"));
    }

    // The afternoon scan is late (a local cron or a catch-up at 19:00, after the 18:00 window closes; or an Azure timer
    // delayed by a retry). R10 is raised on the due day, waits for the next window and goes out the next working day,
    // would still say "今天是…进展情况报送截止日，本期尚未报送，请于今日下班前报送" on a day when the report is already overdue:
    // such a chase is not sent on a later day (DeliveryDecisions.LastUsefulDay); R2 chases the missing report instead.
    [Fact]
    public void Run_DoesNotTellTheOwnerTodayIsTheDueDay_WhenTheAfternoonChaseIsDeliveredOnALaterDay()
    {
        var store = _temp["store"];
        var outbox = _temp["outbox"];
        var clock = new FakeClock(Instant.FromUtc(2026, 12, 6, 9, 0), Duration.FromMilliseconds(1));
        Assert.Equal(Cli.Ok, Cli.Run(["import", Repo.Samples, "--store", store], TextWriter.Null, TextWriter.Null, _ => null, clock));

        // Monday 2026-06-01: the 旬 report due Sunday 05-31 rolls to today (RunCommandTests: R10 fires at 16:00).
        Assert.Equal(Cli.Ok, Cli.Run(["run", "--store", store, "--outbox", outbox, "--at", "2026-06-01T19:00", "--scan", "afternoon"],
            TextWriter.Null, TextWriter.Null, _ => null, clock));
        Assert.Equal(Cli.Ok, Cli.Run(["run", "--store", store, "--outbox", outbox, "--at", "2026-06-02T08:40"],
            TextWriter.Null, TextWriter.Null, _ => null, clock));

        var sms = File.ReadAllLines(Path.Combine(outbox, "sms.log"))
            .Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(j => (Dispatch: j.GetProperty("dispatchId").GetString()!, Text: j.GetProperty("text").GetString()!))
            .ToList();
        var laterChases = sms.Where(s => s.Dispatch.Contains(":20260602:", StringComparison.Ordinal) && s.Text.Contains("截止日", StringComparison.Ordinal)).ToList();
        Assert.All(laterChases, s => Assert.DoesNotContain("今天", s.Text, StringComparison.Ordinal));
        Assert.All(laterChases, s => Assert.DoesNotContain("今日下班前", s.Text, StringComparison.Ordinal));
        Assert.DoesNotContain(sms, s => s.Dispatch.Contains(":20260602:", StringComparison.Ordinal) && s.Text.Contains("今日下班前", StringComparison.Ordinal));
    }

    public void Dispose() => _temp.Dispose();
}
