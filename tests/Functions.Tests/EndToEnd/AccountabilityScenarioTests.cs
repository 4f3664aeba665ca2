using System.Text.Json;
using Escalation.Functions.Tests.Import;

namespace Escalation.Functions.Tests.EndToEnd;

/// <summary>
/// The fourth level through <c>simulate</c>, over the weeks it spans: a project's milestone missed, its rectification
/// notice (R3), the summons when the rectification is overdue (R7), the accountability recommendation to the office when
/// it is still not done 10 working days later (R11), and the consequence notice to 市发改委 (R12: 核减前期费) 20 working
/// days after the milestone. Scenario folder EndToEnd/Scenarios/consequence-notice.
/// </summary>
public sealed class AccountabilityScenarioTests : IDisposable
{
    private readonly TempFolder _temp = new();

    //  2026     Mo Tu We Th Fr Sa Su
    //  Jul       29 30  1  2  3  4  5     Fr 03: milestone (target 50) missed at 45; Sa 04: R3 notice, rectify by Mo 20
    //            20 21 22 23 24 25 26     Tu 21: rectification overdue, R7 summons
    //            27 28 29 30 31           Fr 31: 20 working days past the milestone, R12 consequence notice to 市发改委
    //  Aug        3                       Mo 03: 10 working days past the rectification's date, R11 recommendation
    private SimulatedRun Run() => SimulatedRun.Of(_temp, "consequence-notice", "2026-06-29", "2026-08-07");

    [Fact]
    public void Simulate_RecommendsAccountabilityToTheOffice_TenWorkingDaysAfterTheOverdueRectification_NeverToTheUnit()
    {
        var run = Run();

        var summons = Assert.Single(run.OfRule("R7"));
        var recommendation = Assert.Single(run.OfRule("R11"));
        Assert.Equal("2026-07-21", summons.Date);
        Assert.Equal(("2026-08-03", "accountability", "demand-overdue", summons.Occurrence), (recommendation.Date, recommendation.Level, recommendation.Kind, recommendation.Occurrence));
        Assert.Equal([new PrintedRecipient("supervision-office", "dcs-office", false), new PrintedRecipient("lead-official", "city-wang", true)], recommendation.Recipients);
        Assert.Null(recommendation.Demand);

        var mail = Assert.Single(run.Emails, m => m.Events.Contains(recommendation.EventId) && m.Person == "dcs-office");
        Assert.Equal("【问责建议】商务局“外贸综合服务中心建设”应于2026年7月20日前办结的说明或整改逾期未办结（督办〔2026〕0004号）", mail.Message.Subject);
        Assert.Contains("依据督办规则“说明整改逾期问责建议”，根据督查工作有关规定，建议对商务局有关责任人员启动问责程序", mail.Message.TextBody, StringComparison.Ordinal);
        Assert.Contains("本件不发送商务局", mail.Message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_SendsTheConsequenceNoticeToTheExecutingUnit_AsARecommendation_ReferencingTheItem()
    {
        var run = Run();

        var notice = Assert.Single(run.OfRule("R12"));
        Assert.Equal(("2026-07-31", "accountability", "overdue", "overdue:2026-07-03", "2026-ZD-007", "swj"),
            (notice.Date, notice.Level, notice.Kind, notice.Occurrence, notice.TaskId, notice.UnitId));
        Assert.Equal([new PrintedRecipient("unit-principal", "fgw-chen", false) { Unit = "fgw" }, new PrintedRecipient("supervision-office", "dcs-office", true)], notice.Recipients);
        using var line = JsonDocument.Parse(run.Lines.Single(l => l.Contains(notice.EventId, StringComparison.Ordinal)));
        Assert.Equal(("核减前期费", "fgw"), (line.RootElement.GetProperty("consequence").GetString(), line.RootElement.GetProperty("consequenceUnit").GetString()));
        Assert.Equal("fgw", line.RootElement.GetProperty("recipients")[0].GetProperty("unit").GetString());

        var mail = Assert.Single(run.Emails, m => m.Events.Contains(notice.EventId) && m.Person == "fgw-chen");
        Assert.Equal("【后果通知】关于建议对商务局“外贸综合服务中心建设”核减前期费的通知（督办〔2026〕0003号）", mail.Message.Subject);
        Assert.Contains("截至2026年7月31日，商务局承担的“外贸综合服务中心建设”“完成选址和方案设计”时间节点逾期未完成。", mail.Message.TextBody, StringComparison.Ordinal);
        Assert.Contains("督查室建议由市发改委依职权对该事项核减前期费", mail.Message.TextBody, StringComparison.Ordinal);
        Assert.Contains("不代为执行任何处理措施", mail.Message.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("已核减", mail.Message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_NeverSendsTheUnitAnythingOfTheFourthLevel()
    {
        var run = Run();

        var fourth = run.Events.Where(e => e.Level == "accountability").ToList();
        Assert.Equal(["R12", "R11"], fourth.Select(e => e.RuleId));
        Assert.All(fourth, e => Assert.DoesNotContain(e.Recipients, r => r.Person.StartsWith("swj-", StringComparison.Ordinal)));
        var letters = run.Emails.Where(m => m.DispatchId.Contains(":Accountability:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(letters);
        Assert.All(letters, m => Assert.False(m.Person.StartsWith("swj-", StringComparison.Ordinal), $"{m.DispatchId} went to the unit"));
        Assert.Contains("问责建议 2", run.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _temp.Dispose();
}
