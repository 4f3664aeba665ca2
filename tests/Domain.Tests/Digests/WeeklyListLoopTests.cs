using Escalation.Domain.Cases;
using Escalation.Domain.Digests;
using Escalation.Domain.Events;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Tests.Digests;

/// <summary>
/// The weekly list's 本周答复和处理: the answers, exemption requests and decisions of the seven days before the issue day.
/// <code>
///   Mo 10-06 … Su 10-12 | Mo 10-13 (issue day of 2025-W42)
///   [ window: 10-06 .. 10-12 ]   10-13 belongs to the next list
/// </code>
/// </summary>
public class WeeklyListLoopTests
{
    private static readonly UnitId Zjj = new("zjj");
    private static readonly UnitId Swj = new("swj");
    private static readonly UnitId Jsj = new("jsj");
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly DigestPeriod W42 = DigestPeriod.Week(IndicatorPeriod.Week(2025, 42));
    private static readonly LocalDate IssuedOn = new(2025, 10, 13);
    private static readonly ItemId Task = new("zjj-1");
    private static readonly EventId Notice = EventId.For(new RuleId("R5"), Task, "lag:2025-09");
    private static readonly Dictionary<UnitId, string> Names = new() { [Zjj] = "住建局", [Swj] = "商务局", [Jsj] = "建设集团" };

    /// <summary>An instant at a Shanghai local time in October 2025.</summary>
    private static Instant At(int day, int hour, int minute = 0) =>
        new LocalDateTime(2025, 10, day, hour, minute).InZoneStrictly(Shanghai).ToInstant();

    private static Answer Answer(DemandKind kind, int seq, int day, UnitId? from = null, params Evidence[] evidence) =>
        new(LoopKeys.Answer(Notice, kind, from, seq), Zjj, Notice, Task, kind, from, seq, new LocalDate(2025, 10, day), evidence)
        {
            SubmittedAt = At(day, 9, 30),
            SubmittedBy = new PersonId("zjj-tb"),
        };

    private static Decision On(Answer answer, LoopDecision kind, int day, string? reason = null, int seq = 1) =>
        new(LoopKeys.Decision(answer.Key, seq), Zjj, answer.Key, SubjectTable.Explanations, kind, new PersonId("dcs-1"), At(day, 15), reason) { Task = Task, Notice = Notice };

    private static ExemptionRequest Request(int day) =>
        new(LoopKeys.ExemptionRequest(Task.Value, "2025-09", 1), Zjj, Task, null, "2025-09", "连续暴雨停工", new PersonId("zjj-tb"), At(day, 11), [new Evidence("气象证明.pdf")]);

    private static List<LoopActivity> Of(IReadOnlyList<Answer> answers, IReadOnlyList<ExemptionRequest> requests, IReadOnlyList<Decision> decisions) =>
        [.. LoopActivities.Of(answers, requests, decisions, LoopActivities.Window(IssuedOn), Shanghai,
            item => item == Task ? "老旧小区改造" : null,
            notice => notice == Notice ? "督办〔2025〕0007号" : null,
            person => person.Value switch { "zjj-tb" => "王填报", "dcs-1" => "李督查", _ => person.Value })];

    [Fact]
    public void Window_IsTheSevenDaysBeforeTheIssueDay()
    {
        var window = LoopActivities.Window(IssuedOn);

        Assert.Equal((new LocalDate(2025, 10, 6), new LocalDate(2025, 10, 12)), (window.Start, window.End));
    }

    [Fact]
    public void Of_ListsAnswersRequestsAndDecisions_DatedInTheWindow_InTheirLocalZone()
    {
        var first = Answer(DemandKind.Rectification, 1, 6, null, new Evidence("整改报告.pdf", "ab12"), new Evidence("照片.jpg", "cd34"));
        var second = Answer(DemandKind.Rectification, 2, 9, null, new Evidence("整改报告（修改）.pdf", "ef56"));
        var before = Answer(DemandKind.Explanation, 1, 3);
        var issueDay = Answer(DemandKind.SpecialExplanation, 1, 13);

        // 2025-10-12 23:30 in Shanghai is 15:30 UTC on the 12th: still in the window; 2025-10-05 23:30 UTC is the 6th in Shanghai.
        var rejected = On(first, LoopDecision.Reject, 7, "照片看不清");
        var late = rejected with { Key = LoopKeys.Decision(second.Key, 1), Subject = second.Key, Kind = LoopDecision.Accept, DecidedAt = At(12, 23, 30), Reason = null };
        var early = On(before, LoopDecision.Accept, 1) with { DecidedAt = Instant.FromUtc(2025, 10, 5, 23, 30) };

        var activities = Of([first, second, before, issueDay], [Request(8), Request(13) with { Key = "zjj-1:2025-08@1" }], [rejected, late, early]);

        Assert.Equal(
            [
                "提交整改报告", "提交整改报告（第2次）",
                "豁免申请（2025-09）",
                "退回整改报告", "采纳整改报告（销号）", "采纳情况说明",
            ],
            activities.Select(a => a.What));
        var submitted = activities[0];
        Assert.Equal((Zjj, "老旧小区改造", "督办〔2025〕0007号", "王填报", 2, (string?)null), (submitted.Unit, submitted.Title, submitted.Notice, submitted.By, submitted.Evidence, submitted.Reason));
        Assert.Equal(new LocalDateTime(2025, 10, 6, 9, 30), submitted.At);
        var decided = activities[3];
        Assert.Equal(("李督查", "照片看不清", (int?)null, LoopActivityKind.Decision), (decided.By, decided.Reason, decided.Evidence, decided.Kind));
        Assert.Equal(new LocalDate(2025, 10, 12), activities[4].On);
        Assert.Equal(new LocalDate(2025, 10, 6), activities[5].On);
        var request = activities[2];
        Assert.Equal(((string?)null, "连续暴雨停工", 1, LoopActivityKind.Request), (request.Notice, request.Reason, request.Evidence, request.Kind));
    }

    [Fact]
    public void Of_NamesReopeningAndExemptionDecisions_AndABuildersAnswerBelongsToTheBuilder()
    {
        var built = Answer(DemandKind.Rectification, 1, 7, Jsj, new Evidence("验收单.pdf", "aa"));
        var reopened = On(built, LoopDecision.Reopen, 9, "现场未整改");
        var request = Request(7);
        var approved = new Decision(LoopKeys.Decision(request.Key, 1), Zjj, request.Key, SubjectTable.ExemptionRequests, LoopDecision.Approve, new PersonId("dcs-1"), At(8, 10), null);
        var denied = approved with { Key = "zjj-1:2025-08@1!01", Subject = "zjj-1:2025-08@1", Kind = LoopDecision.Deny, Reason = "理由不充分", Task = Task };

        var activities = Of([built], [request], [reopened, approved, denied]);

        Assert.Equal(
            [("提交整改报告", Jsj), ("豁免申请（2025-09）", Zjj), ("批准豁免申请（2025-09）", Zjj), ("不予批准豁免申请", Zjj), ("认定虚假整改（重新打开）", Jsj)],
            activities.OrderBy(a => a.At).Select(a => (a.What, a.Unit)));
        Assert.Equal("老旧小区改造", activities.Single(a => a.Reason == "理由不充分").Title);
    }

    [Fact]
    public void Of_DatesAnAnswerWrittenByHand_ByItsSubmittedOn()
    {
        var byHand = Answer(DemandKind.Explanation, 1, 10) with { SubmittedAt = null, SubmittedBy = null };

        var activity = Assert.Single(Of([byHand], [], []));

        Assert.Equal((new LocalDate(2025, 10, 10), (LocalDateTime?)null, ""), (activity.On, activity.At, activity.By));
    }

    [Fact]
    public void Build_ListsEachOnceInTimeOrder_AndEachUnitsPartHoldsItsOwn()
    {
        var built = Answer(DemandKind.Rectification, 1, 7, Jsj, new Evidence("验收单.pdf", "aa"));
        var own = Answer(DemandKind.Explanation, 1, 6);
        var activities = Of([built, own], [], []);

        var list = WeeklyList.Build(W42, IssuedOn, new WeeklyListInputs([], [], [], Names) { LoopActivities = [.. activities, .. activities] });

        Assert.Equal(["提交情况说明", "提交整改报告"], list.LoopActivities.Select(a => a.What));
        Assert.False(list.IsEmpty);
        Assert.Equal([Jsj, Zjj], list.Units);
        Assert.Equal(["提交整改报告"], list.Part(Jsj).LoopActivities.Select(a => a.What));
        Assert.Empty(list.Part(Swj).LoopActivities);
    }
}
