using Escalation.Domain.Cases;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Cases;
using Escalation.Functions.Local;
using Escalation.Functions.Messaging;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Import;
using Escalation.Functions.Tests.Host;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;
using EventId = Escalation.Domain.Events.EventId;

namespace Escalation.Functions.Tests.EndToEnd;

/// <summary>
/// domain.md part 2, "Closed loop", through <c>simulate</c> and the closed loop's service (the same calls the web makes,
/// scripted in loop/actions.csv of the scenario folder EndToEnd/Scenarios/closed-loop and applied on their day):
/// 商务局's milestone of 2025-08-14 missed, R3 demands a rectification by 2025-08-29 (15 calendar days).
/// </summary>
public sealed class ClosedLoopScenarioTests : IDisposable
{
    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly EventId Notice = EventId.For(new RuleId("R3"), new ItemId("2025-ZD-007"), "overdue:2025-08-14");
    private readonly TempFolder _temp = new();

    //  2025     Mo Tu We Th Fr Sa Su
    //  Aug       11 12 13 14 15 16 17     Th 14: milestone missed; Fr 15: R3 notice, rectify by Fr 29
    //            25 26 27 28 29 30 31     We 27: rectification without evidence → 退回, still open; Th 28: again with evidence;
    //  Sep        1  2  3  4  5  6  7                Fr 29: 采纳 → 销号 (no R7 on 08-30, no R11 on 09-12)
    //             8  9 10 11 12           We 10: 虚假整改 → reopened, one accountability recommendation (R14) to the office
    private SimulatedRun Run(string to = "2025-09-12", string outName = "out") => SimulatedRun.Of(_temp, "closed-loop", "2025-08-11", to, outName);

    [Fact]
    public void Simulate_RejectsAcceptsAndReopens_WithOneAccountabilityRecommendationToTheOfficeOnly()
    {
        var run = Run();

        var notice = Assert.Single(run.OfRule("R3"));
        Assert.Equal((Notice.Value, "2025-08-29", "rectification"), (notice.EventId, notice.DueBy, notice.Demand));
        Assert.Equal(
            [("2025-08-27", "R12", "answer:" + Notice.Value + ":rectification", null), ("2025-08-27", "R13", "decision:" + Notice.Value + ":rectification!01", "reject"),
             ("2025-08-28", "R12", "answer:" + Notice.Value + ":rectification@2", null), ("2025-08-29", "R13", "decision:" + Notice.Value + ":rectification@2!01", "accept"),
             ("2025-09-10", "R13", "decision:" + Notice.Value + ":rectification@2!02", "reopen"), ("2025-09-10", "R14", "false:" + Notice.Value + ":rectification@2!02", "reopen")],
            run.Events.Where(e => e.RuleId is "R12" or "R13" or "R14").Select(e => (e.Date, e.RuleId, e.Occurrence, e.Decision)));

        // The rectification of 08-28 met the demand before its date: no summons for it, no recommendation for it overdue;
        // the reopen does not un-meet it (no second chain), it raises exactly one recommendation.
        Assert.Empty(run.OfRule("R7"));
        Assert.Empty(run.OfRule("R11"));
        var recommendation = Assert.Single(run.Events, e => e.Level == "accountability");
        Assert.Equal(("R14", "false-rectification"), (recommendation.RuleId, recommendation.Kind));
        Assert.Equal([new PrintedRecipient("supervision-office", "dcs-office", false), new PrintedRecipient("lead-official", "city-wang", true)], recommendation.Recipients);
        Assert.Equal(["city-wang", "dcs-office"], run.Emails.Where(m => m.Events.Contains(recommendation.EventId)).Select(m => m.Person).Order());
        var mail = Assert.Single(run.Emails, m => m.Events.Contains(recommendation.EventId) && m.Person == "dcs-office");
        Assert.Contains("虚假整改", mail.Message.Subject, StringComparison.Ordinal);
        Assert.Contains("认定理由：9 月 8 日实地核查发现选址方案未经审议，会议纪要系补签。", mail.Message.TextBody, StringComparison.Ordinal);
        Assert.Contains("本件不发送商务局", mail.Message.TextBody, StringComparison.Ordinal);

        // Each side was told the day it happened: the office of each answer, the unit's owner (copy to its principal) of each decision.
        Assert.All(run.OfRule("R12"), e => Assert.Equal([new PrintedRecipient("supervision-office", "dcs-office", false)], e.Recipients));
        Assert.All(run.OfRule("R13"), e => Assert.Equal(["swj-zhou", "swj-zhang"], e.Recipients.Select(r => r.Person)));
        Assert.All(run.Events.Where(e => e.RuleId is "R12" or "R13" or "R14"), e =>
            Assert.Contains(run.Emails, m => m.Events.Contains(e.EventId) && Instant.FromDateTimeOffset(m.Message.Date).InZone(Zone).Date.ToString("yyyy-MM-dd", null) == e.Date));
    }

    [Fact]
    public async Task Simulate_LeavesTheCaseReopenedWithItsHistory_AsTheWebShowsIt()
    {
        var run = Run();

        var tables = SqliteTables.Open(Path.Combine(run.Output, "store"), new FakeClock(Instant.FromUtc(2025, 9, 12, 8, 0)));
        var loop = new ClosedLoop(tables, new RecordingPublisher(), new FakeClock(Instant.FromUtc(2025, 9, 12, 8, 0)), Zone, NullLogger.Instance);
        var view = Assert.Single(await loop.UnitCases(new UnitId("swj")));
        Assert.Equal((CaseStatus.Reopened, new LocalDate(2025, 8, 28)), (view.Status, view.MetOn));
        Assert.Equal(
            [(1, CaseStatus.Rejected, 0, "reject"), (2, CaseStatus.Reopened, 1, "accept,reopen")],
            view.Answers.Select(a => (a.Seq, a.Status, a.Evidence.Count, string.Join(",", a.Decisions.Select(d => LoopKeys.Token(d.Decision))))));
        var evidence = Assert.Single(view.Answers[1].Evidence);
        Assert.Equal(("整改报告.pdf", "application/pdf"), (evidence.Name, evidence.ContentType));
        Assert.Matches("^[0-9a-f]{64}$", evidence.Sha256);
        Assert.Equal([("dcs-office", "9 月 8 日实地核查发现选址方案未经审议，会议纪要系补签。")], view.Answers[1].Decisions.Skip(1).Select(d => (d.DecidedBy.Id.Value, d.Reason)));
    }

    [Fact]
    public void Simulate_AppliesNoStepBeforeItsDay_WhenTheStretchEndsEarlier()
    {
        // Stopped on 09-05: the case is closed (销号) and the reopen of 09-10 has not happened, so nothing is recommended.
        var run = Run(to: "2025-09-05", outName: "early");

        Assert.DoesNotContain(run.Events, e => e.Level == "accountability");
        Assert.Equal(["reject", "accept"], run.OfRule("R13").Select(e => e.Decision));
        Assert.Contains("按时执行 4 步", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("不在模拟期内未执行 1 步", run.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _temp.Dispose();
}
