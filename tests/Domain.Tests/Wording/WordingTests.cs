using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using static Escalation.Domain.Tests.Wording.WordingFixtures;

namespace Escalation.Domain.Tests.Wording;

using Escalation.Domain.Wording;

public class WordingTests
{
    private static MessageTemplate Default(string id) => DefaultTemplates.ById[id];

    private static MessageTemplate Probe(string text) => new("probe", text, text, text);

    private static EventFacts Facts(double planned = 80, double reported = 80) => new("外贸综合服务中心建设", "商务局", planned, reported);

    //   2022 July: deadline Fri 07-15 (全部完成, 100%), 80% on Tue 07-12 → 3 working days left (13, 14, 15)
    [Fact]
    public void RenderEmail_ShowsWorkingDaysLeft_WhenDueSoon()
    {
        var facts = Facts(planned: 95, reported: 80) with
        {
            Checkpoint = "全部完成", CheckpointDue = D(2022, 7, 15), CheckpointTarget = 100, IsDeadline = true, WorkingDaysLeft = 3,
        };
        var e = Event(EventKind.DueSoon, EventLevel.Reminder, facts, date: D(2022, 7, 12));

        var email = MessageWording.RenderEmail(e, Default("due-soon"), "张三");

        Assert.Equal("【督查提醒】商务局“外贸综合服务中心建设”“全部完成”时间节点还有3个工作日到期", email.Subject);
        Assert.StartsWith("张三同志：\n商务局承担的“外贸综合服务中心建设”，“全部完成”时间节点为2022年7月15日，节点目标进度100%，还有3个工作日到期。", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("截至2022年7月12日，计划进度95%，实际进度80%", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("时间节点：全部完成（2022年7月15日，目标进度100%）", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_WritesTheCopyInCopyWording_WhenTheRecipientIsCopied()
    {
        var e = Event(EventKind.DueSoon, EventLevel.Reminder, Facts() with { Checkpoint = "全部完成", CheckpointDue = D(2022, 7, 15), CheckpointTarget = 100, WorkingDaysLeft = 3 }, date: D(2022, 7, 12));

        var copy = MessageWording.RenderEmail(e, Default("due-soon"), "王五", isCopy: true);
        var addressed = MessageWording.RenderEmail(e, Default("due-soon"), "王五");

        Assert.Equal("【抄送】" + addressed.Subject, copy.Subject);
        Assert.StartsWith(
            "王五同志：\n（此件抄送您知悉，无需办理。）\n截至2022年7月12日，商务局承担的“外贸综合服务中心建设”“全部完成”时间节点还有3个工作日到期，尚未达到节点目标进度，已发出督查提醒。\n督查室\n2022年7月12日\n",
            copy.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("请抓紧", copy.PlainText, StringComparison.Ordinal);
        Assert.Contains("<p>（此件抄送您知悉，无需办理。）</p>", copy.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("抄送", addressed.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderSms_WritesCopyAfterTheOneSignature_WhenTheRecipientIsCopied()
    {
        var e = Event(EventKind.DueSoon, EventLevel.Reminder, Facts() with { Checkpoint = "全部完成", CheckpointDue = D(2022, 7, 15), CheckpointTarget = 100, WorkingDaysLeft = 3 }, date: D(2022, 7, 12));

        var copy = MessageWording.RenderSms(e, Default("due-soon"), "王五", isCopy: true);

        Assert.Equal("【督查室】抄送：商务局“外贸综合服务中心建设”“全部完成”节点还有3个工作日到期，已发出督查提醒。", copy.Text);
    }

    [Fact]
    public void RenderSms_SaysDueToday_WhenDueToday()
    {
        var facts = Facts(planned: 100, reported: 80) with
        {
            Checkpoint = "全部完成", CheckpointDue = D(2022, 7, 15), CheckpointTarget = 100, IsDeadline = true, WorkingDaysLeft = 0,
        };
        var e = Event(EventKind.DueToday, EventLevel.Reminder, facts, date: D(2022, 7, 15));

        var sms = MessageWording.RenderSms(e, Default("due-soon"), "张三");
        var email = MessageWording.RenderEmail(e, Default("due-soon"), "张三");

        Assert.Equal("【督查室】商务局“外贸综合服务中心建设”“全部完成”节点今天到期（2022年7月15日），请抓紧推进。", sms.Text);
        Assert.EndsWith("时间节点今天到期", email.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("工作日", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_NamesTheDueDate_WhenItFallsOnADayOffAndIsRemindedTheWorkingDayBefore()
    {
        // Deadline Sunday 2024-03-17, reminded on Friday 03-15.
        var facts = Facts(planned: 100, reported: 80) with
        {
            Checkpoint = "全部完成", CheckpointDue = D(2024, 3, 17), CheckpointTarget = 100, IsDeadline = true, WorkingDaysLeft = 0,
        };
        var e = Event(EventKind.DueToday, EventLevel.Reminder, facts, date: D(2024, 3, 15));

        var email = MessageWording.RenderEmail(e, Default("due-soon"), "张三");

        Assert.EndsWith("时间节点进入到期前最后一个工作日", email.Subject, StringComparison.Ordinal);
        Assert.Contains("时间节点为2024年3月17日", email.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("今天到期", email.PlainText, StringComparison.Ordinal);
    }

    //   2022 July: deadline Fri 07-15 missed; evaluated Mon 07-18; rectify in 10 working days → Mon 08-01
    [Fact]
    public void RenderEmail_ShowsRectificationDate_WhenOverdue()
    {
        var facts = Facts(planned: 100, reported: 80) with
        {
            Checkpoint = "全部完成", CheckpointDue = D(2022, 7, 15), CheckpointTarget = 100, IsDeadline = true,
        };
        var e = Event(EventKind.Overdue, EventLevel.Notice, facts, new Demand(DemandKind.Rectification, D(2022, 8, 1)), D(2022, 7, 18));

        var email = MessageWording.RenderEmail(e, Default("overdue"), "李四");
        var sms = MessageWording.RenderSms(e, Default("overdue"), "李四");

        Assert.StartsWith("【督查通报】", email.Subject, StringComparison.Ordinal);
        Assert.Contains("请于2022年8月1日前完成整改，并书面报送整改情况。", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("说明/整改期限：2022年8月1日前完成整改", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\" style=\"text-align:left;border:1px solid #999;padding:4px 8px\">说明/整改期限</th>", email.Html, StringComparison.Ordinal);
        Assert.Contains("请于2022年8月1日前完成整改", sms.Text, StringComparison.Ordinal);
    }

    //   商务局 lags in April and May 2024; evaluated Mon 06-03; explanation in 5 working days → Tue 06-11 (06-10 端午)
    [Fact]
    public void RenderEmail_ShowsStreakAndExplanationDate_WhenLagNotice()
    {
        var facts = Facts(planned: 41.666666, reported: 35) with { Streak = 2, Period = "2024年5月", PeriodKey = "2024-05" };
        var e = Event(EventKind.Lagging, EventLevel.Notice, facts, new Demand(DemandKind.Explanation, D(2024, 6, 11)), D(2024, 6, 3));

        var email = MessageWording.RenderEmail(e, Default("lag-notice"), "王五");
        var sms = MessageWording.RenderSms(e, Default("lag-notice"), "王五");

        Assert.Equal("【督查通报】商务局“外贸综合服务中心建设”连续2期进度落后", email.Subject);
        Assert.Contains("经对2024年5月重点工作推进情况分析，商务局承担的“外贸综合服务中心建设”计划进度41.7%，实际进度35%，落后6.7个百分点，已连续2期落后，现予通报。", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("请于2024年6月11日前报送书面说明，内容包括落后原因、整改措施和完成时限。", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("连续落后期数：2期（截至2024年5月）", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("说明/整改期限：2024年6月11日前报送书面说明", email.PlainText, StringComparison.Ordinal);
        Assert.Equal("【督查室】商务局“外贸综合服务中心建设”已连续2期进度落后，现予通报，请于2024年6月11日前报送书面说明。", sms.Text);
    }

    [Fact]
    public void RenderEmail_ShowsPlannedReportedAndGap_WhenLagReminder()
    {
        var facts = Facts(planned: 41.666666, reported: 30) with { Streak = 1, Period = "2024年5月", PeriodKey = "2024-05" };
        var e = Event(EventKind.Lagging, EventLevel.Reminder, facts);

        var email = MessageWording.RenderEmail(e, Default("lag-reminder"), null);

        Assert.Equal("【督查提醒】商务局“外贸综合服务中心建设”2024年5月进度落后", email.Subject);
        Assert.Contains("计划进度41.7%，实际进度30%，落后11.7个百分点。", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_ShowsStreakAndLeaders_WhenLagSummons()
    {
        var facts = Facts(planned: 50, reported: 30) with { Streak = 3, Period = "2024年6月", PeriodKey = "2024-06" };
        var e = Event(EventKind.Lagging, EventLevel.Summons, facts, date: D(2024, 7, 1));

        var email = MessageWording.RenderEmail(e, Default("lag-summons"), null);

        Assert.Equal("【约谈通知】商务局“外贸综合服务中心建设”连续3期进度落后", email.Subject);
        Assert.Contains("拟对商务局主要负责同志、分管负责同志开展约谈警示", email.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("说明/整改期限", email.PlainText, StringComparison.Ordinal);
    }

    //   Report due Sat 2021-04-10 rolls to Mon 04-12; missing on Tue 04-13
    [Fact]
    public void RenderEmail_ShowsRolledDueDate_WhenReportMissing()
    {
        var e = Event(EventKind.ReportMissing, EventLevel.Reminder, Facts() with { ReportDue = D(2021, 4, 12) }, date: D(2021, 4, 13));

        var email = MessageWording.RenderEmail(e, Default("report-missing"), "赵六");

        Assert.Contains("商务局应于2021年4月12日报送“外贸综合服务中心建设”进展情况，截至2021年4月13日尚未报送。", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("应报送日期：2021年4月12日", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_ShowsMissedDate_WhenDemandOverdue()
    {
        var facts = Facts(planned: 50, reported: 30) with
        {
            DemandOf = EventId.For(new RuleId("R5"), new ItemId("x"), "lag:2024-05"), DemandDueBy = D(2024, 6, 11),
        };
        var e = Event(EventKind.DemandOverdue, EventLevel.Summons, facts, date: D(2024, 6, 12));

        var email = MessageWording.RenderEmail(e, Default("demand-overdue"), null);
        var sms = MessageWording.RenderSms(e, Default("demand-overdue"), null);

        Assert.Contains("督查室要求商务局于2024年6月11日前报送书面说明或完成整改，截至2024年6月12日仍未办结。", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("拟对商务局主要负责同志、分管负责同志开展约谈", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("说明/整改期限：2024年6月11日（已逾期）", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("商务局应于2024年6月11日前就“外贸综合服务中心建设”办结", sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_EscapesHtml_WhenTitleHasMarkup()
    {
        var e = Event(EventKind.ReportMissing, EventLevel.Reminder, new EventFacts("<script>alert('x')</script>", "A&B局", 50, 40) with { ReportDue = D(2024, 6, 7) });

        var email = MessageWording.RenderEmail(e, Default("report-missing"), "<b>张三</b>");

        Assert.DoesNotContain("<script>", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", email.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", email.Html, StringComparison.Ordinal);
        Assert.Contains("<td style=\"border:1px solid #999;padding:4px 8px\">A&amp;B局</td>", email.Html, StringComparison.Ordinal);
        Assert.Contains("<p>&lt;b&gt;张三&lt;/b&gt;同志：</p>", email.Html, StringComparison.Ordinal);
        Assert.Contains("<script>alert('x')</script>", email.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_EscapesTemplateText_WhenTemplateHasMarkup()
    {
        var template = new MessageTemplate("t", "<i>{unit}</i>", "<a href=\"x\">{item}</a>", "{unit}");

        var email = MessageWording.RenderEmail(Event(EventKind.Lagging, EventLevel.Reminder, Facts()), template, null);

        Assert.Contains("<title>&lt;i&gt;商务局&lt;/i&gt;</title>", email.Html, StringComparison.Ordinal);
        Assert.Contains("<p>&lt;a href=&quot;x&quot;&gt;外贸综合服务中心建设&lt;/a&gt;</p>", email.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_ProducesCompleteChineseDocument()
    {
        var email = MessageWording.RenderEmail(Event(EventKind.Lagging, EventLevel.Reminder, Facts()), Default("lag-reminder"), null);

        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">", email.Html, StringComparison.Ordinal);
        Assert.EndsWith("</body>\n</html>\n", email.Html, StringComparison.Ordinal);
        Assert.Contains("<p>督查室</p>", email.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_ListsOnlyFactsWithValues_WhenReportMissing()
    {
        var e = Event(EventKind.ReportMissing, EventLevel.Reminder, Facts(50, 40) with { ReportDue = D(2024, 6, 7) });

        var email = MessageWording.RenderEmail(e, Default("report-missing"), null);

        var labels = email.PlainText[(email.PlainText.IndexOf("附：有关情况\n", StringComparison.Ordinal) + 7)..]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('：')[0]);
        Assert.Equal(["单位", "事项", "计划进度", "实际进度", "应报送日期"], labels);
        Assert.Equal(5, CountOf("<tr>", email.Html));
    }

    [Fact]
    public void RenderEmail_LeavesOutSalutation_WhenRecipientEmpty()
    {
        var e = Event(EventKind.ReportMissing, EventLevel.Reminder, Facts() with { ReportDue = D(2024, 6, 7) });

        var withName = MessageWording.RenderEmail(e, Default("report-missing"), " 张三 ");
        var withoutName = MessageWording.RenderEmail(e, Default("report-missing"), null);

        Assert.StartsWith("张三同志：\n按照", withName.PlainText, StringComparison.Ordinal);
        Assert.StartsWith("按照", withoutName.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("同志：", withoutName.PlainText.Split('\n')[0], StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_LeavesOutDemandLine_WhenEventHasNoDemand()
    {
        var facts = Facts() with { Checkpoint = "完成土建", CheckpointDue = D(2024, 6, 30), CheckpointTarget = 60 };
        var e = Event(EventKind.Overdue, EventLevel.Notice, facts, demand: null);

        var email = MessageWording.RenderEmail(e, Default("overdue"), null);

        Assert.DoesNotContain("书面报送整改情况", email.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("\n\n\n", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_NamesEachOwingUnit_WhenASpecialExplanationIsDemandedOfTheUnitAndTheBuilder()
    {
        var wording = WordingSettings.Default with
        {
            UnitNames = new Dictionary<UnitId, string> { [new UnitId("swj")] = "市水务局", [new UnitId("cjt")] = "市城市建设投资集团" },
        };
        var demand = new Demand(DemandKind.SpecialExplanation, D(2026, 7, 23)) { From = [new UnitId("swj"), new UnitId("cjt")] };
        var e = Event(EventKind.StartMissed, EventLevel.Notice, Facts() with { PlannedStart = D(2026, 7, 15), Cause = "未记录原因，按主观原因处理" }, demand, D(2026, 7, 16));

        var email = MessageWording.RenderEmail(e, Default("start-missed"), "何建平", wording: wording);
        var sms = MessageWording.RenderSms(e, Default("start-missed"), null, wording: wording);

        Assert.Contains("请市水务局、市城市建设投资集团于2026年7月23日前分别报送专题说明", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("请市水务局、市城市建设投资集团于2026年7月23日前分别报送专题说明", sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_SummonsTheBuilder_WhenOnlyTheBuildersSpecialExplanationIsOverdue()
    {
        var wording = WordingSettings.Default with { UnitNames = new Dictionary<UnitId, string> { [new UnitId("cjt")] = "市城市建设投资集团" } };
        var facts = Facts() with
        {
            DemandOf = EventId.For(new RuleId("R8"), new ItemId("x"), "start:2026-07-15"), DemandDueBy = D(2026, 7, 23), DemandFrom = new UnitId("cjt"),
        };
        var e = Event(EventKind.DemandOverdue, EventLevel.Summons, facts, date: D(2026, 7, 24));

        var email = MessageWording.RenderEmail(e, Default("demand-overdue"), "何建平", wording: wording);
        var sms = MessageWording.RenderSms(e, Default("demand-overdue"), null, wording: wording);

        Assert.Contains("商务局承担的“外贸综合服务中心建设”，督查室要求市城市建设投资集团于2026年7月23日前报送书面说明或完成整改", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("拟对市城市建设投资集团主要负责同志、分管负责同志开展约谈", email.PlainText, StringComparison.Ordinal);
        Assert.StartsWith("【督查室】市城市建设投资集团应于2026年7月23日前", sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_RendersMissingValuesEmpty_NeverNull()
    {
        var all = string.Join("|", MessageTemplate.Placeholders.Select(p => "{" + p + "}"));
        var e = Event(EventKind.Overdue, EventLevel.Notice, new EventFacts("事项", "单位", double.NaN, 10), date: D(2024, 6, 7));

        var email = MessageWording.RenderEmail(e, Probe(all), null);

        //            unit|item|recipient|level|kind|date|asOf|checkpoint|due|deadline|target|planned|reported|gap|when|daysLeft|streak|period|reportDue|demand|demandKind|dueBy|owedBy|sender|contact|plannedStart|cause|situation|rule|consequence|consequenceUnit|reference
        //            then the indicator placeholders, all empty for a task's event: value|figures|light|rank|average|rankTarget|earlier|firstThird|group|groupRank|topK|bottomK|top|bottom|standings|escalation
        //            then the closed loop's, empty too: answer|decision|reason|actor|evidence|notice|exemptPeriod
        Assert.Equal("单位|事项||通报|逾期未完成|2024年6月7日|2024年6月7日||||||10%||||||||||单位|督查室||||时间节点逾期未完成|R1|||" + new string('|', 16) + new string('|', 7), email.Subject);
    }

    [Fact]
    public void RenderEmail_KeepsSubjectOnOneLine_WhenTitleHasLineBreak()
    {
        var e = Event(EventKind.Lagging, EventLevel.Reminder, new EventFacts("第一行\r\n第二行", "商务局", 50, 40));

        var email = MessageWording.RenderEmail(e, Probe("{unit}“{item}”"), null);

        Assert.Equal("商务局“第一行 第二行”", email.Subject);
    }

    [Theory]
    [InlineData(41.666666, "41.7%")]
    [InlineData(45, "45%")]
    [InlineData(45.04, "45%")]
    [InlineData(99.95, "100%")]
    [InlineData(0, "0%")]
    [InlineData(-0.04, "0%")]
    [InlineData(12.25, "12.3%")]
    public void RenderSms_FormatsPercent_WithAtMostOneDecimal(double planned, string expected)
    {
        var e = Event(EventKind.Lagging, EventLevel.Reminder, Facts(planned: planned));

        var sms = MessageWording.RenderSms(e, Probe("{planned}"), null);

        Assert.Equal("【督查室】" + expected, sms.Text);
    }

    [Theory]
    [InlineData(41.666666, 35, "6.7")]
    [InlineData(50, 50, "0")]
    [InlineData(50, 50.01, "0")]
    public void RenderSms_FormatsGap_AsPointsWithoutSign(double planned, double reported, string expected)
    {
        var e = Event(EventKind.Lagging, EventLevel.Reminder, Facts(planned, reported));

        var sms = MessageWording.RenderSms(e, Probe("{gap}"), null);

        Assert.Equal("【督查室】" + expected, sms.Text);
    }

    [Theory]
    [InlineData(EventLevel.Reminder, "提醒")]
    [InlineData(EventLevel.Notice, "通报")]
    [InlineData(EventLevel.Summons, "约谈")]
    public void RenderSms_NamesLevelInChinese(EventLevel level, string expected)
    {
        var sms = MessageWording.RenderSms(Event(EventKind.Lagging, level, Facts(), date: D(2024, 10, 1)), Probe("{level}{date}"), null);

        Assert.Equal("【督查室】" + expected + "2024年10月1日", sms.Text);
    }

    [Theory]
    // length including the 5-character signature 【督查室】 → segments
    [InlineData(6, 1)]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(140, 2)]
    [InlineData(141, 3)]
    public void RenderSms_CountsSegmentsOfSeventy(int length, int segments)
    {
        var template = Probe(new string('督', length - 5));

        var sms = MessageWording.RenderSms(Event(EventKind.Lagging, EventLevel.Reminder, Facts()), template, null);

        Assert.Equal(length, sms.Text.Length);
        Assert.Equal(segments, sms.Segments);
    }

    [Fact]
    public void RenderSms_DoesNotDoubleSignature_WhenTemplateHasIt()
    {
        var sms = MessageWording.RenderSms(Event(EventKind.Lagging, EventLevel.Reminder, Facts()), Probe("【督查室】{unit}"), null);

        Assert.Equal("【督查室】商务局", sms.Text);
    }

    [Fact]
    public void RenderSms_KeepsLiteralBraces_WhenDoubled()
    {
        var sms = MessageWording.RenderSms(Event(EventKind.Lagging, EventLevel.Reminder, Facts()), Probe("{{unit}}={UNIT}"), null);

        Assert.Equal("【督查室】{unit}=商务局", sms.Text);
    }

    [Fact]
    public void RenderEmail_Throws_WhenTemplateInvalid()
    {
        var e = Event(EventKind.Lagging, EventLevel.Reminder, Facts());

        var error = Assert.Throws<ArgumentException>(() => MessageWording.RenderEmail(e, Probe("{task}"), null));

        Assert.Contains("{task}", error.Message, StringComparison.Ordinal);
    }

    private static int CountOf(string needle, string haystack)
    {
        var count = 0;
        for (var i = haystack.IndexOf(needle, StringComparison.Ordinal); i >= 0; i = haystack.IndexOf(needle, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
