using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using NodaTime;
using static Escalation.Domain.Tests.Wording.LetterFixtures;

namespace Escalation.Domain.Tests.Wording;

/// <summary>One message per person, day, channel and level: a letter of one or several events, addressed or copied.</summary>
public class LetterTests
{
    private static readonly string[] Requests = ["请提前", "请于", "请按", "请认真", "请抓紧", "请尽快", "要求你单位"];

    private static EmailMessage Email(Letter letter, WordingSettings? wording = null) => MessageWording.RenderEmail(letter, wording ?? WordingSettings.Default);

    private static SmsMessage Sms(Letter letter, WordingSettings? wording = null) => MessageWording.RenderSms(letter, wording ?? WordingSettings.Default);

    private static int CountOf(string needle, string haystack)
    {
        var count = 0;
        for (var i = haystack.IndexOf(needle, StringComparison.Ordinal); i >= 0; i = haystack.IndexOf(needle, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    // ---- One item ---------------------------------------------------------------------------------------------------

    [Fact]
    public void RenderEmail_ReadsAsTheTemplate_WhenTheLetterHasOneAddressedItem()
    {
        var e = Overdue("城东公交枢纽站建设");

        var letter = Email(LetterOf("张三", [e]));
        var perEvent = MessageWording.RenderEmail(e, DefaultTemplates.ById["overdue"], "张三");

        Assert.Equal(perEvent, letter);
        Assert.Equal("【督查通报】市交通运输局“城东公交枢纽站建设”“完成主体施工”时间节点逾期未完成", letter.Subject);
        Assert.StartsWith(
            "张三同志：\n市交通运输局承担的“城东公交枢纽站建设”，“完成主体施工”时间节点为2026年5月29日，节点目标进度60%。截至2026年6月2日，实际进度45%，未按时间节点完成。\n" +
            "根据督查工作有关规定，现予通报并挂牌督办。\n请于2026年6月16日前完成整改，并书面报送整改情况。\n督查室\n2026年6月2日\n\n附：有关情况\n",
            letter.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_SignsWithTheSettings_WhenTheLetterHasOneAddressedItem()
    {
        var email = Email(LetterOf("张三", [Overdue("城东公交枢纽站建设")]), Office);

        Assert.Contains("\n市政府督查室\n2026年6月2日\n联系人：王某，电话：0755-12345678\n\n附：有关情况\n", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_AddsTheContactLine_WhenAnAdminTemplateHasNoContactPlaceholder()
    {
        var template = new MessageTemplate("overdue", "{unit}{item}", "{recipient}同志：\n{item}逾期。\n督查室\n{date}", "{item}逾期");
        var letter = new Letter("张三", EventLevel.Notice, Today, [new LetterItem(Overdue("城东公交枢纽站建设"), template, false)]);

        var email = Email(letter, Office);

        Assert.StartsWith("张三同志：\n城东公交枢纽站建设逾期。\n督查室\n2026年6月2日\n联系人：王某，电话：0755-12345678\n", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_UsesTheShippedTemplateOfTheSameId_WhenTheRulesTemplateDoesNotExist()
    {
        var e = Overdue("城东公交枢纽站建设");

        var missing = Email(new Letter("张三", EventLevel.Notice, Today, [new LetterItem(e, null, false)]));

        Assert.Equal(Email(LetterOf("张三", [e])), missing);
    }

    [Fact]
    public void RenderEmail_UsesTheShippedWordingForTheKind_WhenNoTemplateOfThatIdExists()
    {
        var e = Lag("公立医院高质量发展") with { Template = "no-such-template" };

        var email = Email(new Letter("张三", EventLevel.Summons, Today, [new LetterItem(e, null, false)]));

        Assert.Equal("【约谈通知】市卫健委“公立医院高质量发展”连续3期进度落后", email.Subject);
    }

    [Fact]
    public void RenderEmail_FallsBackInsteadOfFailing_WhenTheTemplateIsInvalid()
    {
        var e = Overdue("城东公交枢纽站建设");
        var broken = new MessageTemplate("overdue", "{foo}", "{", "");

        var email = Email(new Letter("张三", EventLevel.Notice, Today, [new LetterItem(e, broken, false)]));
        var sms = Sms(new Letter("张三", EventLevel.Notice, Today, [new LetterItem(e, broken, false)]));

        Assert.StartsWith("【督查通报】", email.Subject, StringComparison.Ordinal);
        Assert.StartsWith("【督查室】市交通运输局", sms.Text, StringComparison.Ordinal);
    }

    // ---- Several items ----------------------------------------------------------------------------------------------

    [Fact]
    public void RenderEmail_ListsEveryItemWithItsFacts_InTheHtmlTableAndThePlainText()
    {
        var events = new[]
        {
            Lag("基层医疗卫生服务能力提升", level: EventLevel.Reminder, planned: 41.666, reported: 30),
            Lag("公立医院高质量发展", level: EventLevel.Reminder, planned: 50, reported: 20),
            Lag("社区卫生服务中心建设", level: EventLevel.Reminder, planned: 33.3, reported: 25),
        };

        var email = Email(LetterOf("张三", events));

        Assert.Equal("【督查提醒】关于3项重点工作进度落后的提醒", email.Subject);
        Assert.Contains(
            "<tr><th scope=\"col\" style=\"text-align:left;border:1px solid #999;padding:4px 8px\">序号</th>", email.Html, StringComparison.Ordinal);
        foreach (var header in new[] { "单位", "事项", "情形", "计划进度", "实际进度", "连续落后期数" })
        {
            Assert.Contains(">" + header + "</th>", email.Html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(">时间节点</th>", email.Html, StringComparison.Ordinal);
        Assert.Equal(4, CountOf("<tr>", email.Html));
        Assert.Contains(
            "<td style=\"border:1px solid #999;padding:4px 8px\">基层医疗卫生服务能力提升</td><td style=\"border:1px solid #999;padding:4px 8px\">进度落后11.7个百分点</td>" +
            "<td style=\"border:1px solid #999;padding:4px 8px\">41.7%</td><td style=\"border:1px solid #999;padding:4px 8px\">30%</td>",
            email.Html, StringComparison.Ordinal);
        Assert.Contains(
            "1. 单位：市卫健委\n   事项：公立医院高质量发展\n   情形：进度落后30个百分点\n   计划进度：50%\n   实际进度：20%\n   连续落后期数：1期（截至2026年5月）\n\n2. 单位：市卫健委\n   事项：基层医疗卫生服务能力提升\n",
            email.PlainText, StringComparison.Ordinal);
        Assert.Contains("\n3. 单位：市卫健委\n   事项：社区卫生服务中心建设\n   情形：进度落后8.3个百分点\n", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_IsOneSummonsListingTheSixTasks_WhenSixTasksOfAUnitReachTheStreak()
    {
        var email = Email(LetterOf("张三", SixSummonses));

        Assert.Equal("【约谈通知】关于对你单位开展约谈警示的通知（涉及6项任务）", email.Subject);
        Assert.StartsWith(
            "张三同志：\n经对2026年5月重点工作推进情况分析，你单位承担的以下6项重点工作进度连续落后。根据督查工作有关规定，拟对你单位主要负责同志、分管负责同志开展约谈警示，具体时间、地点另行通知。请提前做好原因分析，并形成整改措施。\n\n1. ",
            email.PlainText, StringComparison.Ordinal);
        Assert.Equal(1, CountOf("开展约谈警示", email.PlainText));
        Assert.All(SixSummonses, e => Assert.Contains("事项：" + e.Facts.ItemTitle + "\n", email.PlainText, StringComparison.Ordinal));
        Assert.Contains("\n6. 单位：", email.PlainText, StringComparison.Ordinal);
        Assert.DoesNotContain("\n7. ", email.PlainText, StringComparison.Ordinal);
        Assert.Equal(7, CountOf("<tr>", email.Html));
        Assert.EndsWith("\n\n督查室\n2026年6月2日\n", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_StatesEachItemsDemandDate_WhenGroupedNoticesDemandDifferentDates()
    {
        var events = new[] { Lag("公立医院高质量发展", level: EventLevel.Notice, demand: new Demand(DemandKind.Explanation, new LocalDate(2026, 6, 9))), Overdue("医疗废物集中处置", "市卫健委", "wjw") };

        var email = Email(LetterOf("张三", events), Office);

        Assert.Equal("【督查通报】关于2项重点工作推进中存在问题的通报", email.Subject);
        Assert.Contains("根据督查工作有关规定，现予通报。请按下表“说明/整改期限”所列时限报送书面说明或完成整改，并书面报送市政府督查室。", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("   说明/整改期限：2026年6月9日前报送书面说明\n", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("   说明/整改期限：2026年6月16日前完成整改\n", email.PlainText, StringComparison.Ordinal);
        Assert.Contains(">说明/整改期限</th>", email.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_StatesTheOneDemandDate_WhenGroupedNoticesShareIt()
    {
        var due = new Demand(DemandKind.Explanation, new LocalDate(2026, 6, 9));
        var events = new[] { Lag("公立医院高质量发展", level: EventLevel.Notice, demand: due), Lag("医疗废物集中处置", level: EventLevel.Notice, demand: due) };

        var email = Email(LetterOf("张三", events));
        var sms = Sms(LetterOf("张三", events));

        Assert.Equal("【督查通报】关于2项重点工作进度连续落后的通报", email.Subject);
        Assert.Contains("现予通报。请于2026年6月9日前报送书面说明，内容包括原因分析、整改措施和完成时限。", email.PlainText, StringComparison.Ordinal);
        Assert.Equal("【督查室】张三同志：你单位2项重点工作进度连续落后，现予通报，请于2026年6月9日前报送书面说明，详见邮件。", sms.Text);
    }

    [Fact]
    public void RenderSms_DoesNotPointToAnEmail_WhenThePersonGetsNone()
    {
        var due = new Demand(DemandKind.Explanation, new LocalDate(2026, 6, 9));
        var events = new[] { Lag("公立医院高质量发展", level: EventLevel.Notice, demand: due), Lag("医疗废物集中处置", level: EventLevel.Notice, demand: due) };

        var smsOnly = Sms(LetterOf("张三", events) with { ReachedBy = [Channel.Sms] });
        var both = Sms(LetterOf("张三", events) with { ReachedBy = [Channel.Email, Channel.Sms] });

        Assert.Equal("【督查室】张三同志：你单位2项重点工作进度连续落后，现予通报，请于2026年6月9日前报送书面说明。", smsOnly.Text);
        Assert.EndsWith("，详见邮件。", both.Text, StringComparison.Ordinal);
    }

    // ---- Copies -----------------------------------------------------------------------------------------------------

    public static TheoryData<EventLevel, int> LevelsAndCounts()
    {
        var data = new TheoryData<EventLevel, int>();
        foreach (var level in Enum.GetValues<EventLevel>())
        {
            data.Add(level, 1);
            data.Add(level, 3);
        }

        return data;
    }

    private static List<EscalationEvent> EventsOf(EventLevel level, int count) =>
    [
        .. new[] { ("公立医院高质量发展", "市卫健委", "wjw"), ("城东公交枢纽站建设", "市交通运输局", "jtj"), ("外贸稳增长行动", "市商务局", "swj") }
            .Take(count)
            .Select(x => Lag(x.Item1, x.Item2, x.Item3, level, demand: level == EventLevel.Notice ? new Demand(DemandKind.Explanation, new LocalDate(2026, 6, 9)) : null)),
    ];

    [Theory]
    [MemberData(nameof(LevelsAndCounts))]
    public void RenderEmail_SaysNoActionIsNeededAndAsksForNothing_WhenEveryItemIsACopy(EventLevel level, int count)
    {
        var email = Email(LetterOf("王建国", EventsOf(level, count), isCopy: true), Office);

        Assert.StartsWith("【抄送】", email.Subject, StringComparison.Ordinal);
        Assert.StartsWith("王建国同志：\n（此件抄送您知悉，无需办理。）\n", email.PlainText, StringComparison.Ordinal);
        Assert.All(Requests, request => Assert.DoesNotContain(request, email.PlainText, StringComparison.Ordinal));
        Assert.DoesNotContain("你单位", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_IsTheDailySummary_WhenTheSupervisionOfficeReceivesCopiesAboutSeveralUnits()
    {
        var events = new[]
        {
            Lag("公立医院高质量发展", level: EventLevel.Reminder), Lag("医疗废物集中处置", level: EventLevel.Reminder),
            Lag("城东公交枢纽站建设", "市交通运输局", "jtj", EventLevel.Reminder), Lag("外贸稳增长行动", "市商务局", "swj", EventLevel.Reminder),
        };

        var email = Email(LetterOf("督查室", events, isCopy: true), Office);
        var sms = Sms(LetterOf("督查室", events, isCopy: true), Office);

        Assert.Equal("【抄送】【督查提醒】关于3个单位4项重点工作进度落后的提醒", email.Subject);
        Assert.StartsWith("督查室同志：\n（此件抄送您知悉，无需办理。）\n今日共对3个单位的4项重点工作发出督查提醒，情况如下：\n\n1. 单位：市交通运输局\n", email.PlainText, StringComparison.Ordinal);
        Assert.Equal(5, CountOf("<tr>", email.Html));
        Assert.EndsWith("\n\n市政府督查室\n2026年6月2日\n联系人：王某，电话：0755-12345678\n", email.PlainText, StringComparison.Ordinal);
        Assert.Equal("【市督查室】抄送：今日共对3个单位的4项重点工作发出督查提醒，详见邮件。", sms.Text);
    }

    [Fact]
    public void RenderEmail_NamesTheUnitToBeSummoned_WhenALeadOfficialReceivesCopiesOfASummons()
    {
        var email = Email(LetterOf("王建国", SixSummonses, isCopy: true));

        Assert.Equal("【抄送】【约谈通知】关于对市卫健委开展约谈警示的通知（涉及6项任务）", email.Subject);
        Assert.Contains("\n今日对市卫健委的6项重点工作发出约谈通知，拟对市卫健委主要负责同志、分管负责同志开展约谈警示，情况如下：\n", email.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderEmail_HasARequestSectionAndACopySection_WhenTheLetterMixesAddressedAndCopiedItems()
    {
        var letter = new Letter("赵六", EventLevel.Notice, Today,
        [
            new LetterItem(Overdue("城西污水处理厂", "市水务局", "swuj"), null, IsCopy: true),
            new LetterItem(Overdue("城东公交枢纽站建设"), null, IsCopy: false),
            new LetterItem(Overdue("智慧交通平台"), null, IsCopy: false),
        ]);

        var email = Email(letter);
        var sms = Sms(letter);

        Assert.Equal("【督查通报】关于2项重点工作时间节点逾期未完成的通报（另抄送1项）", email.Subject);
        var text = email.PlainText;
        var request = text.IndexOf("一、请办理事项\n截至2026年6月2日，你单位承担的以下2项重点工作时间节点逾期未完成。根据督查工作有关规定，现予通报。请于2026年6月16日前完成整改，并将整改情况书面报送督查室。\n", StringComparison.Ordinal);
        var copy = text.IndexOf("二、抄送知悉事项\n以下事项抄送您知悉，无需办理。今日对市水务局的1项重点工作予以通报，情况如下：\n", StringComparison.Ordinal);
        Assert.True(request > 0 && copy > request, text);
        Assert.True(text.IndexOf("城东公交枢纽站建设", StringComparison.Ordinal) < copy && text.IndexOf("城西污水处理厂", StringComparison.Ordinal) > copy, text);
        Assert.Contains("<p><strong>一、请办理事项</strong></p>", email.Html, StringComparison.Ordinal);
        Assert.Contains("<p><strong>二、抄送知悉事项</strong></p>", email.Html, StringComparison.Ordinal);
        Assert.Equal(2, CountOf("<thead>", email.Html));
        Assert.Equal("【督查室】赵六同志：你单位2项重点工作时间节点逾期未完成，现予通报，请于2026年6月16日前完成整改；另抄送1项，详见邮件。", sms.Text);
    }

    // ---- SMS --------------------------------------------------------------------------------------------------------

    public static TheoryData<string> SmsCases() => ["one addressed", "one copy", "several addressed", "several copies", "mixed", "bracketed template"];

    private static Letter SmsCase(string name) => name switch
    {
        "one addressed" => LetterOf("张三", SixSummonses.Take(1)),
        "one copy" => LetterOf("王建国", SixSummonses.Take(1), isCopy: true),
        "several addressed" => LetterOf("张三", SixSummonses),
        "several copies" => LetterOf("王建国", SixSummonses, isCopy: true),
        "mixed" => new Letter("张三", EventLevel.Summons, Today, [new LetterItem(SixSummonses[0], null, false), new LetterItem(SixSummonses[1], null, true)]),
        _ => new Letter("张三", EventLevel.Summons, Today,
            [new LetterItem(SixSummonses[0], new MessageTemplate("lag-summons", "{item}", "{item}", "【督查室】【约谈通知】{unit}【{item}】"), false)]),
    };

    [Theory]
    [MemberData(nameof(SmsCases))]
    public void RenderSms_HasExactlyOneSignature_AtTheStart(string name)
    {
        var sms = Sms(SmsCase(name), Office);

        Assert.StartsWith("【市督查室】", sms.Text, StringComparison.Ordinal);
        Assert.Equal(1, CountOf("【", sms.Text));
        Assert.Equal(1, CountOf("】", sms.Text));
        Assert.DoesNotContain("【抄送】", sms.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderSms_WritesOtherBracketsAsCornerBrackets_WhenATemplateHasThem()
    {
        var sms = Sms(SmsCase("bracketed template"));

        Assert.Equal("【督查室】约谈通知：市卫健委「基层医疗卫生服务能力提升」", sms.Text);
    }

    [Fact]
    public void RenderSms_NamesTheUnit_WhenALeadOfficialReceivesACopyOfASummons()
    {
        var one = Sms(LetterOf("王建国", SixSummonses.Take(1), isCopy: true));
        var six = Sms(LetterOf("王建国", SixSummonses, isCopy: true));

        Assert.Equal("【督查室】抄送：市卫健委“基层医疗卫生服务能力提升”已连续3期进度落后20个百分点，拟对市卫健委开展约谈警示，具体时间另行通知。", one.Text);
        Assert.Equal("【督查室】抄送：市卫健委6项重点工作进度连续落后，拟对市卫健委开展约谈警示，具体时间另行通知，详见邮件。", six.Text);
        Assert.DoesNotContain("你单位", one.Text + six.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderSms_IsOneShortSegment_ForASummonsOfSixTasks()
    {
        var sms = Sms(LetterOf("张三", SixSummonses));

        Assert.Equal("【督查室】张三同志：你单位6项重点工作进度连续落后，拟对你单位开展约谈警示，具体时间另行通知，详见邮件。", sms.Text);
        Assert.Equal(1, sms.Segments);
    }

    [Fact]
    public void RenderSms_ListsTheTitles_OnlyWhenTheyFitInTheSameSegments()
    {
        var two = Sms(LetterOf("张三", [Lag("医保改革"), Lag("疫苗接种")]));
        var six = Sms(LetterOf("张三", SixSummonses));

        Assert.Equal("【督查室】张三同志：你单位2项重点工作（“医保改革”“疫苗接种”）进度连续落后，拟对你单位开展约谈警示，具体时间另行通知，详见邮件。", two.Text);
        Assert.Equal(1, two.Segments);
        Assert.DoesNotContain("公立医院", six.Text, StringComparison.Ordinal);
        Assert.Equal(1, six.Segments);
    }

    [Fact]
    public void RenderSms_UsesTheSettingsSignature_AndDropsTheDefaultOneFromATemplate()
    {
        var e = Overdue("城东公交枢纽站建设");
        var template = DefaultTemplates.ById["overdue"] with { Sms = "【督查室】{item}逾期" };

        var sms = Sms(new Letter("张三", EventLevel.Notice, Today, [new LetterItem(e, template, false)]), Office);

        Assert.Equal("【市督查室】城东公交枢纽站建设逾期", sms.Text);
    }

    // ---- Dates ------------------------------------------------------------------------------------------------------

    //   2026 May: 05-01..05 劳动节 break; an event raised on Friday 05-01 is delivered on Wednesday 05-06.
    [Fact]
    public void RenderEmail_IsDatedTheDayOfDelivery_NotTheHolidayTheEventWasRaisedOn()
    {
        var raised = new LocalDate(2026, 5, 1);
        var delivered = new LocalDate(2026, 5, 6);
        var e = Overdue("城东公交枢纽站建设", date: raised);

        var one = Email(LetterOf("张三", [e], day: delivered));
        var copy = Email(LetterOf("张三", [e], isCopy: true, day: delivered));
        var grouped = Email(LetterOf("张三", [e, Overdue("智慧交通平台", date: raised)], day: delivered));

        foreach (var email in new[] { one, copy, grouped })
        {
            Assert.Contains("截至2026年5月1日，", email.PlainText, StringComparison.Ordinal);
            Assert.Contains("督查室\n2026年5月6日\n", email.PlainText, StringComparison.Ordinal);
            Assert.DoesNotContain("督查室\n2026年5月1日", email.PlainText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RenderEmail_StatesEachItemsDate_WhenGroupedItemsWereRaisedOnDifferentDays()
    {
        var email = Email(LetterOf("张三", [Overdue("城东公交枢纽站建设", date: new LocalDate(2026, 5, 1)), Overdue("智慧交通平台", date: new LocalDate(2026, 5, 6))], day: new LocalDate(2026, 5, 6)));

        Assert.Contains("经督查，你单位承担的以下2项重点工作时间节点逾期未完成。", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("   情形：截至2026年5月1日，时间节点逾期未完成\n", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("   情形：截至2026年5月6日，时间节点逾期未完成\n", email.PlainText, StringComparison.Ordinal);
    }

    // ---- Quotes, escaping, order ------------------------------------------------------------------------------------

    [Fact]
    public void Render_WritesAQuotedTitlesOwnQuotesAsCornerBrackets()
    {
        var e = Overdue("关于“一网通办”改革");

        var email = Email(LetterOf("张三", [e]));
        var sms = Sms(LetterOf("张三", [e]));
        var copy = Sms(LetterOf("张三", [e], isCopy: true));
        var grouped = Sms(LetterOf("张三", [Lag("关于“一网”改革", level: EventLevel.Reminder), Lag("医保", level: EventLevel.Reminder)]));

        Assert.Equal("【督查通报】市交通运输局“关于「一网通办」改革”“完成主体施工”时间节点逾期未完成", email.Subject);
        Assert.Contains("承担的“关于「一网通办」改革”，", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("事项：关于“一网通办”改革\n", email.PlainText, StringComparison.Ordinal);
        Assert.Contains("“关于「一网通办」改革”", sms.Text, StringComparison.Ordinal);
        Assert.Contains("“关于「一网通办」改革”", copy.Text, StringComparison.Ordinal);
        Assert.Contains("（“关于「一网」改革”“医保”）", grouped.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_KeepsAValuesQuotes_WhenTheTemplateDoesNotQuoteIt()
    {
        var template = new MessageTemplate("t", "{item}：“{item}”，{item}", "{item}", "{item}");

        var email = MessageWording.RenderEmail(Overdue("关于“一网通办”改革"), template, null);

        Assert.Equal("关于“一网通办”改革：“关于「一网通办」改革”，关于“一网通办”改革", email.Subject);
    }

    [Fact]
    public void RenderEmail_EscapesEveryValue_InTheHtmlOfGroupedAndCopiedLetters()
    {
        var evil = new[]
        {
            Lag("<script>alert(1)</script>", "A&B局", "ab", EventLevel.Notice, demand: new Demand(DemandKind.Explanation, new LocalDate(2026, 6, 9))),
            Lag("<img src=x>", "<i>局</i>", "ib", EventLevel.Notice),
        };
        var wording = new WordingSettings("<b>督查室</b>", "【督查室】", "联系人：<u>王某</u>");
        var letter = new Letter("<em>张三</em>", EventLevel.Notice, Today,
            [new LetterItem(evil[0], null, false), new LetterItem(evil[1], null, true)]);

        var html = Email(letter, wording).Html + Email(letter with { Items = [letter.Items[1]] }, wording).Html;

        foreach (var markup in new[] { "<script>", "<img", "<i>", "<b>", "<u>", "<em>", "A&B" })
        {
            Assert.DoesNotContain(markup, html, StringComparison.Ordinal);
        }

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("A&amp;B局", html, StringComparison.Ordinal);
        Assert.Contains("<p>&lt;em&gt;张三&lt;/em&gt;同志：</p>", html, StringComparison.Ordinal);
        Assert.Contains("<p>&lt;b&gt;督查室&lt;/b&gt;</p>", html, StringComparison.Ordinal);
        Assert.Contains("<p>联系人：&lt;u&gt;王某&lt;/u&gt;</p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_GivesTheSameText_WhateverTheOrderOfTheItems()
    {
        var items = new List<LetterItem>
        {
            new(Overdue("城西污水处理厂", "市水务局", "swuj"), null, true),
            new(Overdue("智慧交通平台"), null, false),
            new(Overdue("城东公交枢纽站建设"), null, false),
            new(Overdue("医疗废物集中处置", "市卫健委", "wjw"), null, true),
        };
        var orders = new[] { items, [.. Enumerable.Reverse(items)], [items[2], items[0], items[3], items[1]] };

        var emails = orders.Select(o => Email(new Letter("张三", EventLevel.Notice, Today, o))).ToList();
        var texts = orders.Select(o => Sms(new Letter("张三", EventLevel.Notice, Today, o)).Text).ToList();

        Assert.All(emails, e => Assert.Equal(emails[0], e));
        Assert.All(texts, t => Assert.Equal(texts[0], t));
        Assert.Equal(
            ["城东公交枢纽站建设", "智慧交通平台", "医疗废物集中处置", "城西污水处理厂"],
            MessageWording.Ordered(items).Select(i => i.Event.Facts.ItemTitle));
    }

    [Fact]
    public void Render_CountsAnEventOnce_WhenTheLetterHasItTwice()
    {
        var e = Overdue("城东公交枢纽站建设");

        var twice = Email(new Letter("张三", EventLevel.Notice, Today, [new LetterItem(e, null, true), new LetterItem(e, null, false)]));

        Assert.Equal(Email(LetterOf("张三", [e])), twice);
    }

    [Fact]
    public void Render_Throws_WhenTheLetterIsEmptyOrMixesLevels()
    {
        Assert.Throws<ArgumentException>(() => Email(new Letter("张三", EventLevel.Notice, Today, [])));
        Assert.Throws<ArgumentException>(() => Sms(LetterOf("张三", SixSummonses) with { Level = EventLevel.Notice }));
    }
}
