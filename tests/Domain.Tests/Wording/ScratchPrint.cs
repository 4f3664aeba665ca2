using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Xunit.Abstractions;
using static Escalation.Domain.Tests.Wording.IndicatorWordingFixtures;

namespace Escalation.Domain.Tests.Wording;

public class ScratchPrint(ITestOutputHelper output)
{
    [Fact]
    public void Print()
    {
        var explanation = new Demand(DemandKind.Explanation, D(2026, 6, 25));
        var town = Towns[5];
        var bottomFacts = new Escalation.Domain.Indicators.IndicatorFacts(new Escalation.Domain.Indicators.IndicatorId("zjbf-jd"), Escalation.Domain.Indicators.IndicatorPeriod.Parse("2026-W20"), "2026年第20周", "%", D(2026, 5, 19))
        { Value = 38.2, ProvincialAverage = 41.5, Group = new("towns-zjbf"), GroupName = "各镇（街道）", GroupSize = 10, TopK = 3, BottomK = 3, Standing = new(town.Unit, 38.2, 9, 2), Consecutive = 2, Escalated = true };
        EscalationEvent[] events =
        [
            Event("I1", EventLevel.Reminder, EventKind.IndicatorLagging, "gdtz-zs", "固定资产投资增速", "fgw", FixedInvestment(), streak: 1),
            Event("I2", EventLevel.Notice, EventKind.IndicatorLagging, "gdtz-zs", "固定资产投资增速", "fgw", FixedInvestment(), streak: 2, demand: explanation),
            Event("I3", EventLevel.Summons, EventKind.IndicatorLagging, "wmjck", "外贸进出口总额", "swuj", Trade(), streak: 3),
            Event("I4", EventLevel.Notice, EventKind.TargetMissed, "gdtz-zs", "固定资产投资增速", "fgw", FixedInvestment() with { Target = 6.5 }, demand: explanation),
            Event("I5", EventLevel.Reminder, EventKind.StretchMissed, "gdtz-zs", "固定资产投资增速", "fgw", FixedInvestment(7.0, 3) with { Target = 7.5 }),
            Event("I6", EventLevel.Notice, EventKind.BelowEarlier, "gdtz-zs", "固定资产投资增速", "fgw", FixedInvestment() with { Target = 6.1, EarlierPeriod = Escalation.Domain.Indicators.IndicatorPeriod.Parse("2026-03") }, demand: explanation),
            Event("I7", EventLevel.Notice, EventKind.YearEndRank, "gdtz-zs", "固定资产投资增速", "fgw", FixedInvestment() with { Period = Escalation.Domain.Indicators.IndicatorPeriod.Parse("2026-12"), PeriodLabel = "2026年1–12月", FirstThird = 4} , demand: explanation),
            Event("I8", EventLevel.Summons, EventKind.BottomRank, "zjbf-jd", "资金拨付进度", "town-f", bottomFacts),
            Event("I9", EventLevel.Notice, EventKind.Scoreboard, "zdxm-wcl", "重点项目投资完成率", "fgw", TownsGroup()),
            Event("I10", EventLevel.Reminder, EventKind.ShareInvitation, "zdxm-wcl", "重点项目投资完成率", "town-b", TownsGroup(Towns[0])),
            Event("I11", EventLevel.Notice, EventKind.Pledge, "zdxm-wcl", "重点项目投资完成率", "town-f", TownsGroup(Towns[5])),
        ];
        foreach (var e in events)
        {
            var letter = new Letter("张三", e.Level, D(2026, 6, 19), [new LetterItem(e, null, false)]);
            var mail = MessageWording.RenderEmail(letter, Settings);
            var sms = MessageWording.RenderSms(letter, Settings);
            output.WriteLine("=== " + e.Rule + " " + mail.Subject);
            output.WriteLine(mail.PlainText);
            output.WriteLine($"SMS({sms.Text.Length}): " + sms.Text);
            var copy = new Letter("督查室", e.Level, D(2026, 6, 19), [new LetterItem(e, null, true)]);
            output.WriteLine("COPY SMS: " + MessageWording.RenderSms(copy, Settings).Text);
        }
        var grouped = new Letter("杨雪梅", EventLevel.Notice, D(2026, 6, 19), [.. events.Where(e => e.Level == EventLevel.Notice && e.Unit.Value == "fgw").Select(e => new LetterItem(e, null, false))]);
        var g = MessageWording.RenderEmail(grouped, Settings);
        output.WriteLine("=== GROUPED " + g.Subject);
        output.WriteLine(g.PlainText);
        output.WriteLine("GSMS: " + MessageWording.RenderSms(grouped, Settings).Text);
    }
}
