using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;
using static Escalation.Domain.Tests.Evaluation.Fixture;

namespace Escalation.Domain.Tests.Evaluation;

/// <summary>
/// R15 未签收: a notice or summons delivered and not signed for one working day after its delivery day is chased once
/// to the unit's principal; signing before the chase day stops it; reminders are never chased.
/// </summary>
public class UnsignedChaseTests
{
    //      June 2026
    // Mo Tu We Th Fr Sa Su
    //  1  2  3  4  5  6  7
    //  8  9 10 11 12 13 14
    // Delivered Tue 06-02 → chased Wed 06-03; delivered Fri 06-05 → chased Mon 06-08.
    private static readonly EventId Notice = EventId.For(new RuleId("R5"), new ItemId("2026-ZD-001"), "lag:2026-05");

    private static ItemState State(params DeliveredNotice[] notices) =>
        ItemState.Of(Item("2026-ZD-001", D(2026, 1, 1), D(2026, 12, 31)), [Report(D(2026, 5, 31), 50)], firstSeen: D(2026, 1, 1)) with { Notices = notices };

    private static DeliveredNotice Delivered(LocalDate on, EventLevel level = EventLevel.Notice, LocalDate? signedOn = null) =>
        new(Notice, level, on) { SignedOn = signedOn, Reference = "督办〔2026〕0012号", Kind = EventKind.Lagging };

    private static List<EscalationEvent> Chases(LocalDate today, ItemState state) =>
        [.. Run(Evaluator(), today, state).Where(e => e.Kind == EventKind.Unsigned)];

    [Fact]
    public void Unsigned_ChasesOnceOnTheNextWorkingDay_ToThePrincipal()
    {
        var state = State(Delivered(D(2026, 6, 2)));

        var onDeliveryDay = Chases(D(2026, 6, 2), state);
        var next = Chases(D(2026, 6, 3), state);

        Assert.Empty(onDeliveryDay);
        var chase = Assert.Single(next);
        Assert.Equal(new RuleId("R15"), chase.Rule);
        Assert.Equal(EventLevel.Reminder, chase.Level);
        Assert.Equal("unsigned:" + Notice.Value, chase.Occurrence);
        Assert.Equal(EventId.For(new RuleId("R15"), new ItemId("2026-ZD-001"), "unsigned:" + Notice.Value), chase.Id);
        var to = Assert.Single(chase.Recipients);
        Assert.Equal((RecipientRole.UnitPrincipal, Principal, false), (to.Role, to.Person, to.IsCopy));
        Assert.Equal(Notice, chase.Facts.DemandOf);
        Assert.Equal(new UnsignedFacts(EventLevel.Notice, "督办〔2026〕0012号", D(2026, 6, 2)), chase.Facts.UnsignedNotice);
    }

    [Fact]
    public void Unsigned_RaisesNoOtherChase_OnLaterDays()
    {
        var state = State(Delivered(D(2026, 6, 2)));
        var first = Assert.Single(Chases(D(2026, 6, 3), state));

        var later = Chases(D(2026, 6, 4), state).Concat(Chases(D(2026, 6, 10), state)).ToList();

        // A later run (catch-up after a missed day) raises the same occurrence, which the log keeps once: one chase.
        Assert.All(later, e => Assert.Equal(first.Id, e.Id));
        Assert.Single(later.Concat([first]).Select(e => e.Id).Distinct());
    }

    [Fact]
    public void Unsigned_IsNotChased_WhenSignedBeforeTheChaseDay()
    {
        var state = State(Delivered(D(2026, 6, 2), signedOn: D(2026, 6, 2)));

        Assert.Empty(Chases(D(2026, 6, 3), state));
        Assert.Empty(Chases(D(2026, 6, 4), state));
    }

    [Fact]
    public void Unsigned_IsNotChased_WhenSignedOnTheChaseDayBeforeTheRun()
    {
        Assert.Empty(Chases(D(2026, 6, 3), State(Delivered(D(2026, 6, 2), signedOn: D(2026, 6, 3)))));
    }

    [Fact]
    public void Unsigned_IsChased_WhenSignedOnlyAfterTheEvaluatedDay()
    {
        // A replay (simulate) of 06-03 does not see a signature of 06-05 yet.
        Assert.Single(Chases(D(2026, 6, 3), State(Delivered(D(2026, 6, 2), signedOn: D(2026, 6, 5)))));
    }

    [Fact]
    public void Unsigned_MovesOverTheWeekend_FromAFridayDelivery()
    {
        var state = State(Delivered(D(2026, 6, 5)));

        Assert.Empty(Chases(D(2026, 6, 6), state));
        Assert.Empty(Chases(D(2026, 6, 7), state));
        Assert.Single(Chases(D(2026, 6, 8), state));
    }

    [Fact]
    public void Unsigned_MovesOverTheHoliday_BetweenDeliveryAndChase()
    {
        //      September / October 2025 (National Day and Mid-Autumn: 10-01..10-08 off, Sat 10-11 a make-up working day)
        // Tue 09-30 delivered → next working day Thu 10-09.
        var item = ItemState.Of(Item("2026-ZD-001", D(2025, 1, 1), D(2025, 12, 31)), [Report(D(2025, 9, 30), 80)], firstSeen: D(2025, 1, 1));
        var state = item with { Notices = [Delivered(D(2025, 9, 30))] };

        Assert.Empty(Chases(D(2025, 10, 8), state));
        Assert.Single(Chases(D(2025, 10, 9), state));
    }

    [Fact]
    public void Unsigned_IsSummonsToo_ButNeverAReminder()
    {
        Assert.Single(Chases(D(2026, 6, 3), State(Delivered(D(2026, 6, 2), EventLevel.Summons))));
        Assert.Empty(Chases(D(2026, 6, 3), State(Delivered(D(2026, 6, 2), EventLevel.Reminder))));
        Assert.Empty(Chases(D(2026, 6, 3), State(Delivered(D(2026, 6, 2), EventLevel.Accountability))));
    }

    [Fact]
    public void Unsigned_IsStillChased_WhenTheItemIsFinished()
    {
        var state = State(Delivered(D(2026, 6, 2))) with { Progress = ProgressHistory.From([Report(D(2026, 6, 1), 100)]) };

        Assert.Single(Chases(D(2026, 6, 3), state));
    }

    [Fact]
    public void Unsigned_IsNotChased_OutsideTheCatchUpWindow()
    {
        Assert.Empty(Chases(D(2026, 7, 1), State(Delivered(D(2026, 6, 2)))));
    }

    [Fact]
    public void Unsigned_IsWordedAsASignReminder_WithTheNoticesReference()
    {
        var chase = Assert.Single(Chases(D(2026, 6, 3), State(Delivered(D(2026, 6, 2)))));

        var email = MessageWording.RenderEmail(chase, DefaultTemplates.ById["unsigned"], "张局长");
        var sms = MessageWording.RenderSms(chase, DefaultTemplates.ById["unsigned"], "张局长");

        Assert.Equal("【签收提醒】商务局“外贸稳增长行动”督办〔2026〕0012号通报（2026年6月2日送达）尚未签收", email.Subject);
        Assert.Contains("请登录督查督办网页", email.PlainText, StringComparison.Ordinal);
        Assert.Equal("【督查室】商务局“外贸稳增长行动”督办〔2026〕0012号通报（2026年6月2日送达）尚未签收，请及时登录督查督办网页签收。", sms.Text);
        Assert.Equal(1, sms.Segments);
    }

    [Theory]
    [InlineData("unsigned")]
    [InlineData("未签收")]
    public void RuleRow_ReadsTheUnsignedTrigger_InEnglishAndChinese(string trigger)
    {
        var (rule, problems) = new RuleRow { Id = "R15", Name = "未签收提醒", Level = "reminder", Trigger = trigger, Days = "1", To = "principal", Channels = "email", Template = "unsigned" }.Parse();

        Assert.Empty(problems);
        Assert.Equal(TriggerKind.Unsigned, rule!.Trigger.Kind);
        Assert.Equal(DaySpan.Working(1), rule.Trigger.Days);
    }

    [Fact]
    public void RuleRow_RefusesARepeat_OnAnUnsignedRule()
    {
        var (_, problems) = new RuleRow { Id = "R15", Name = "未签收提醒", Level = "reminder", Trigger = "unsigned", To = "principal", Channels = "email", Template = "unsigned", Repeat = "every 2" }.Parse();

        Assert.Contains(problems, p => p.Field == "Repeat" && p.Reason.Contains("只催一次", StringComparison.Ordinal));
    }
}

/// <summary>Who may sign for (签收) a notice: its addressees and its unit's reporters, never the office or leadership on a unit's behalf.</summary>
public class SigningTests
{
    private static readonly UnitId Other = new("jtj");

    private static EscalationEvent Event(EventLevel level, IReadOnlyList<Channel>? channels = null) => new(
        EventId.For(new RuleId("R5"), new ItemId("2026-ZD-001"), "lag:2026-05"), new RuleId("R5"), level, EventKind.Lagging, new ItemId("2026-ZD-001"), Commerce,
        D(2026, 6, 1), "lag:2026-05", [new Recipient(RecipientRole.UnitPrincipal, Principal, false), new Recipient(RecipientRole.SupervisionOffice, Office, true)],
        channels ?? [Channel.Email], "lag-notice", new EventFacts("外贸稳增长行动", "商务局", 40, 20), null);

    [Theory]
    [InlineData(EventLevel.Notice, true)]
    [InlineData(EventLevel.Summons, true)]
    [InlineData(EventLevel.Reminder, false)]
    [InlineData(EventLevel.Accountability, false)]
    public void IsSignable_IsTrue_ForNoticesAndSummonsesOnly(EventLevel level, bool signable)
    {
        Assert.Equal(signable, Signing.IsSignable(Event(level)));
    }

    [Fact]
    public void IsSignable_IsFalse_ForAnEventLoggedOnly()
    {
        Assert.False(Signing.IsSignable(Event(EventLevel.Notice, [])));
    }

    [Fact]
    public void Right_Allows_TheAddressee_AndTheUnitsReporters()
    {
        var notice = Event(EventLevel.Notice);

        Assert.Equal(SignRight.Allowed, Signing.Right(notice, Principal, Commerce, WebRole.Reporter));
        Assert.Equal(SignRight.Allowed, Signing.Right(notice, Principal, Commerce, WebRole.Leader));
        Assert.Equal(SignRight.Allowed, Signing.Right(notice, new PersonId("swj-clerk"), Commerce, WebRole.Reporter));
    }

    [Fact]
    public void Right_Refuses_TheOfficeInCopy_LeadershipAndOtherUnits()
    {
        var notice = Event(EventLevel.Notice);

        Assert.Equal(SignRight.NotAddressee, Signing.Right(notice, Office, null, WebRole.Office));
        Assert.Equal(SignRight.NotAddressee, Signing.Right(notice, new PersonId("city-li"), null, WebRole.Leader));
        Assert.Equal(SignRight.NotAddressee, Signing.Right(notice, new PersonId("swj-boss"), Commerce, WebRole.Office));
        Assert.Equal(SignRight.NotAddressee, Signing.Right(notice, new PersonId("jtj-clerk"), Other, WebRole.Reporter));
        Assert.Equal(SignRight.NotAddressee, Signing.Right(notice, new PersonId("swj-clerk"), Commerce, WebRole.None));
    }

    [Fact]
    public void Right_SaysNotSignable_ForAReminder_WhoeverAsks()
    {
        Assert.Equal(SignRight.NotSignable, Signing.Right(Event(EventLevel.Reminder), Principal, Commerce, WebRole.Reporter));
    }
}
