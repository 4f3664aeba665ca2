using Escalation.Domain.Catalog;
using Escalation.Domain.Events;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using static Escalation.Domain.Tests.Wording.LetterFixtures;

namespace Escalation.Domain.Tests.Wording;

/// <summary>The smstemplates table: validation with problems naming table, key, field and value; letters as gateway requests.</summary>
public class SmsTemplateMapTests
{
    private static (SmsTemplateMap Map, List<Problem> Problems) Build(params SmsTemplateRow[] rows)
    {
        var problems = new List<Problem>();
        return (SmsTemplateMap.Build(rows, problems), problems);
    }

    [Fact]
    public void Build_ReadsLevelAndKind_InEnglishOrChinese()
    {
        var (map, problems) = Build(
            new SmsTemplateRow("通报", "进度滞后", "SMS_1", "unit={unit};item={item};streak={streak}"),
            new SmsTemplateRow("summons", "Lagging", "SMS_2", "unit={unit}"),
            new SmsTemplateRow("reminder", "due-soon", "SMS_3", "item={item};due={due}"),
            new SmsTemplateRow("约谈", "合并", "SMS_4", "count={count};items={items}"));

        Assert.Empty(problems);
        Assert.Equal("SMS_1", map.Find(EventLevel.Notice, EventKind.Lagging)?.TemplateCode);
        Assert.Equal("SMS_2", map.Find(EventLevel.Summons, EventKind.Lagging)?.TemplateCode);
        Assert.Equal(["item", "due"], map.Find(EventLevel.Reminder, EventKind.DueSoon)!.Parameters.Select(p => p.Name));
        Assert.Equal("SMS_4", map.Find(EventLevel.Summons, null)?.TemplateCode);
    }

    [Fact]
    public void Build_ReportsAnUnknownPlaceholder_NamingTableKeyFieldAndValue()
    {
        var (map, problems) = Build(new SmsTemplateRow("通报", "lagging", "SMS_1", "unit={unit};x={foo}"));

        var problem = Assert.Single(problems);
        Assert.Equal(("smstemplates", "Notice:Lagging", "Params", "unit={unit};x={foo}"), (problem.Table, problem.Key, problem.Field, problem.Value));
        Assert.Contains("{foo}", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("{unit}", problem.Reason, StringComparison.Ordinal);
        Assert.Null(map.Find(EventLevel.Notice, EventKind.Lagging));
    }

    [Fact]
    public void Build_RefusesPerItemPlaceholders_InTheGroupedRow()
    {
        var (_, problems) = Build(new SmsTemplateRow("约谈", "grouped", "SMS_1", "count={count};item={item}"));

        var problem = Assert.Single(problems);
        Assert.Equal(("Summons:grouped", "Params"), (problem.Key, problem.Field));
        Assert.Contains("合并短信", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ReportsEachFaultyField_OfARow()
    {
        var (map, problems) = Build(new SmsTemplateRow("紧急", "迟到", "SMS 1", "unit"));

        Assert.Equal(["Level", "Kind", "TemplateCode", "Params"], problems.Select(p => p.Field));
        Assert.All(problems, p => Assert.Equal("smstemplates", p.Table));
        Assert.Contains("「迟到」", problems[1].ToString(), StringComparison.Ordinal);
        Assert.Empty(map.Templates);
    }

    [Fact]
    public void Build_KeepsTheFirstRow_AndReportsASecondForTheSameLevelAndKind()
    {
        var (map, problems) = Build(
            new SmsTemplateRow("通报", "进度滞后", "SMS_1", "unit={unit}"),
            new SmsTemplateRow("notice", "lagging", "SMS_2", "unit={unit}"));

        var problem = Assert.Single(problems);
        Assert.Equal("Notice:Lagging", problem.Key);
        Assert.Equal("SMS_1", map.Find(EventLevel.Notice, EventKind.Lagging)?.TemplateCode);
    }

    [Fact]
    public void Render_FillsTheVariablesInOrder_ForALetterOfOneItem()
    {
        var (map, _) = Build(new SmsTemplateRow("约谈", "lagging", "SMS_9", "unit={unit};streak={streak}期;planned={planned}"));
        var letter = LetterOf("张局长", [Lag("公立医院")]);

        var message = map.Render(letter, Office, 20);

        Assert.NotNull(message);
        Assert.Equal("SMS_9", message.TemplateCode);
        Assert.Equal(
            [new("unit", "市卫健委"), new("streak", "3期"), new("planned", "50%")],
            message.Parameters);
        Assert.Empty(message.Truncated);
    }

    [Fact]
    public void Render_UsesTheGroupedRow_ForALetterOfSeveralItems()
    {
        var (map, _) = Build(
            new SmsTemplateRow("约谈", "lagging", "SMS_9", "unit={unit}"),
            new SmsTemplateRow("约谈", "grouped", "SMS_G", "count={count};units={units};items={items}"));

        var message = map.Render(LetterOf("张局长", SixSummonses), Office, 200);

        Assert.NotNull(message);
        Assert.Equal("SMS_G", message.TemplateCode);
        Assert.Equal(("count", "6"), (message.Parameters[0].Key, message.Parameters[0].Value));
        Assert.Equal("市卫健委", message.Parameters[1].Value);
        Assert.Equal(6, message.Parameters[2].Value.Split('、').Length);
    }

    // An approved gateway template cannot be appended to: the reference (文号) reaches it only as a variable the row maps.
    [Fact]
    public void Render_FillsTheReference_ForALetterOfOneItemAndOfSeveral()
    {
        var (map, problems) = Build(
            new SmsTemplateRow("约谈", "lagging", "SMS_9", "unit={unit};ref={reference}"),
            new SmsTemplateRow("约谈", "grouped", "SMS_G", "count={count};refs={references}"));
        var one = Lag("公立医院") with { Reference = "督办〔2026〕0123号" };
        var two = Lag("妇幼保健院") with { Reference = "督办〔2026〕0124号" };

        var single = map.Render(LetterOf("张局长", [one]), Office, 40)!;
        var grouped = map.Render(LetterOf("张局长", [one, two]), Office, 40)!;
        var unnumbered = map.Render(LetterOf("张局长", [Lag("公立医院")]), Office, 40)!;

        Assert.Empty(problems);
        Assert.Equal([new("unit", "市卫健委"), new("ref", "督办〔2026〕0123号")], single.Parameters);
        Assert.Equal("督办〔2026〕0123号、督办〔2026〕0124号", grouped.Parameters[1].Value);
        Assert.Equal("", unnumbered.Parameters[1].Value);
    }

    [Fact]
    public void Render_ShortensALongValueByRule_AndNamesIt()
    {
        var (map, _) = Build(new SmsTemplateRow("约谈", "lagging", "SMS_9", "item={item};unit={unit}"));
        var letter = LetterOf(null, [Lag("城市更新重点片区综合改造提升工程三期")]);

        var message = map.Render(letter, Office, 12)!;

        Assert.Equal("城市更新重点片区综合改…", message.Parameters[0].Value);
        Assert.Equal(12, message.Parameters[0].Value.Length);
        Assert.Equal(["item"], message.Truncated);
        Assert.Equal("市卫健委", message.Parameters[1].Value);
    }

    [Fact]
    public void Render_GivesNull_WhenNoRowFitsTheLetter()
    {
        var (map, _) = Build(new SmsTemplateRow("约谈", "lagging", "SMS_9", "unit={unit}"));

        Assert.Null(map.Render(LetterOf(null, SixSummonses), Office, 20));
        Assert.Null(map.Render(LetterOf(null, [Overdue("道路")]), Office, 20));
    }

    [Theory]
    [InlineData("短", 5, "短")]
    [InlineData("一二三四五", 5, "一二三四五")]
    [InlineData("一二三四五六", 5, "一二三四…")]
    [InlineData("𠀀𠀀𠀀𠀀𠀀𠀀", 3, "𠀀𠀀…")]
    public void Truncate_CutsAndEndsWithAnEllipsis_WhenOverTheLimit(string value, int max, string expected) =>
        Assert.Equal(expected, SmsTemplateMap.Truncate(value, max));

    [Fact]
    public void Configuration_Build_ValidatesTheSmsTemplatesTable()
    {
        var rows = Catalog.CatalogFixture.Rows with
        {
            SmsTemplates = [new SmsTemplateRow("提醒", "due-soon", "SMS_1", "item={item}"), new SmsTemplateRow("提醒", "nope", "SMS_2", "item={item}")],
        };

        var (configuration, problems) = Catalog.CatalogFixture.Build(rows);

        var problem = Assert.Single(problems);
        Assert.Equal(("smstemplates", "Kind", "nope"), (problem.Table, problem.Field, problem.Value));
        Assert.Equal("SMS_1", configuration.SmsTemplates.Find(EventLevel.Reminder, EventKind.DueSoon)?.TemplateCode);
    }
}
