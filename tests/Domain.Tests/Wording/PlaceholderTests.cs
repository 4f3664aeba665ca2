using Escalation.Domain.Accountability;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using static Escalation.Domain.Tests.Wording.WordingFixtures;

namespace Escalation.Domain.Tests.Wording;

/// <summary>Templates can use every fact an event has: each placeholder renders its value.</summary>
public class PlaceholderTests
{
    private static readonly WordingSettings Wording = new("市政府督查室", "【市督查室】", "联系人：王某，电话：0755-12345678");

    /// <summary>Every fact at once (no real event has them all): raised Mon 2024-06-03, delivered Tue 06-04.</summary>
    private static readonly EscalationEvent Rich = Event(
        EventKind.DueSoon,
        EventLevel.Notice,
        new EventFacts("外贸综合服务中心建设", "商务局", 41.666, 35,
            Checkpoint: "全部完成", CheckpointDue: D(2024, 6, 6), CheckpointTarget: 100, IsDeadline: true, WorkingDaysLeft: 3,
            Streak: 2, Period: "2024年5月", PeriodKey: "2024-05", ReportDue: D(2024, 5, 31), PlannedStart: D(2024, 3, 29), Cause: "未记录原因，按主观原因处理")
        {
            Accountability = new AccountabilityFacts("逾期项目核减前期费", "核减前期费", new UnitId("fgw"), "市发改委"),
        },
        new Demand(DemandKind.Explanation, D(2024, 6, 11)),
        D(2024, 6, 3));

    public static TheoryData<string, string> Expected() => new()
    {
        { "unit", "商务局" },
        { "item", "外贸综合服务中心建设" },
        { "recipient", "张三" },
        { "level", "通报" },
        { "kind", "节点临近" },
        { "date", "2024年6月4日" },
        { "asOf", "2024年6月3日" },
        { "checkpoint", "全部完成" },
        { "due", "2024年6月6日" },
        { "deadline", "2024年6月6日" },
        { "target", "100%" },
        { "planned", "41.7%" },
        { "reported", "35%" },
        { "gap", "6.7" },
        { "when", "还有3个工作日到期" },
        { "daysLeft", "3" },
        { "streak", "2" },
        { "period", "2024年5月" },
        { "reportDue", "2024年5月31日" },
        { "demand", "请于2024年6月11日前报送书面说明" },
        { "demandKind", "书面说明" },
        { "dueBy", "2024年6月11日" },
        { "owedBy", "商务局" },
        { "sender", "市政府督查室" },
        { "contact", "联系人：王某，电话：0755-12345678" },
        { "plannedStart", "2024年3月29日" },
        { "cause", "未记录原因，按主观原因处理" },
        { "situation", "“全部完成”时间节点还有3个工作日到期，尚未达到节点目标进度" },
        { "rule", "逾期项目核减前期费" },
        { "consequence", "核减前期费" },
        { "consequenceUnit", "市发改委" },
        { "reference", "督办〔2024〕0007号" },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void Render_FillsThePlaceholder_WithTheEventsFact(string placeholder, string expected)
    {
        var template = new MessageTemplate("probe", "{" + placeholder + "}", "{" + placeholder + "}", "{" + placeholder + "}");
        // With a reference, a template that does not quote {reference} gets it appended (see ReferenceWordingTests).
        var e = placeholder == "reference" ? Rich with { Reference = "督办〔2024〕0007号" } : Rich;
        var letter = new Letter("张三", EventLevel.Notice, D(2024, 6, 4), [new LetterItem(e, template, IsCopy: false)]);

        var email = MessageWording.RenderEmail(letter, Wording);
        var sms = MessageWording.RenderSms(letter, Wording);

        Assert.Equal(expected, email.Subject);
        Assert.Equal("【市督查室】" + expected, sms.Text);
    }

    [Fact]
    public void Expected_CoversEveryPlaceholder_InTheirListedOrder_TheIndicatorOnesLast()
    {
        Assert.Equal(MessageTemplate.Placeholders, Expected().Concat(IndicatorPlaceholderTests.Expected()).Concat(LoopWordingTests.Expected()).Select(row => (string)row[0]));
    }

    [Fact]
    public void Validate_AcceptsDeadline_WhichWasRefusedBefore()
    {
        var template = new MessageTemplate("t", "{deadline}", "{asOf}{daysLeft}{demandKind}{sender}{contact}{kind}", "{Deadline}");

        Assert.Empty(template.Validate());
    }

    // An admin's template around values that may be empty (no demand, no checkpoint, no cause): the punctuation that was
    // there for the value goes with it, in the SMS and in each email paragraph alike. (A line whose every value is empty
    // is left out of an email altogether.)
    [Theory]
    [InlineData("{unit}现予通报，{demand}。", "商务局现予通报。")]
    [InlineData("{unit}现予通报，{demand}，{cause}，请抓紧。", "商务局现予通报，请抓紧。")]
    [InlineData("{demand}，请{unit}抓紧。", "请商务局抓紧。")]
    [InlineData("“{item}”（{checkpoint}），已逾期", "“外贸综合服务中心建设”，已逾期")]
    [InlineData("“{item}”“{checkpoint}”节点，{demand}", "“外贸综合服务中心建设”节点")]
    [InlineData("{unit}现予通报，（{cause}，{demand}）。", "商务局现予通报。")]
    public void Render_DropsThePunctuationOfAnEmptyValue(string text, string expected)
    {
        var template = new MessageTemplate("probe", "主题", "{recipient}同志：\n" + text + "\n{sender}", text);
        var bare = Event(EventKind.Overdue, EventLevel.Notice, new EventFacts("外贸综合服务中心建设", "商务局", 50, 40), demand: null, D(2024, 6, 3));
        var letter = new Letter("张三", EventLevel.Notice, D(2024, 6, 4), [new LetterItem(bare, template, IsCopy: false)]);

        var email = MessageWording.RenderEmail(letter, Wording);
        var sms = MessageWording.RenderSms(letter, Wording);

        Assert.Equal("【市督查室】" + expected, sms.Text);
        Assert.StartsWith("张三同志：\n" + expected + "\n市政府督查室\n", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_KeepsTheAdminsPunctuation_WhenNoValueIsEmpty()
    {
        var template = new MessageTemplate("probe", "主题", "{unit}，，“”（）。", "{unit}，，“”（）。");
        var letter = new Letter("张三", EventLevel.Notice, D(2024, 6, 4), [new LetterItem(Rich, template, IsCopy: false)]);

        var sms = MessageWording.RenderSms(letter, Wording);

        Assert.Equal("【市督查室】商务局，，“”（）。", sms.Text);
    }
}
