using System.Text;
using Escalation.Functions.Sending.China;
using NodaTime;

namespace Escalation.Functions.Tests.Sending.China;

public sealed class RobotMarkdownTests
{
    [Fact]
    public void Escape_ReplacesMarkupCharactersAndLineBreaks_WhenAValueCarriesThem()
    {
        var escaped = RobotMarkdown.Escape("  **A_1** [链接](x) <font color=\"info\">#3 > `c` ~|\\ \n> 引用  ");

        Assert.Equal("＊＊A＿1＊＊ ［链接］(x) ＜font color=\"info\"＞＃3 ＞ ｀c｀ ～｜＼  ＞ 引用", escaped);
    }

    [Fact]
    public void Render_ListsEveryItem_WhenAllFit()
    {
        RobotItem[] items =
        [
            new("市住建局", "老旧小区改造", "黄色预警", "已逾期 3 个工作日", new LocalDate(2026, 6, 1)),
            new("区*财政局", "资金_拨付", "", "", null),
        ];

        var text = RobotMarkdown.Render("督办提醒（2项）", items, RobotFormat.Markdown, 4096, "@13800001111");

        Assert.Equal(
            "### 督办提醒（2项）\n1. 【黄色预警】**市住建局**：老旧小区改造，已逾期 3 个工作日（截止 2026-06-01）\n2. **区＊财政局**：资金＿拨付\n\n@13800001111",
            text);
    }

    [Fact]
    public void Render_WritesPlainText_WhenTheFormatIsText()
    {
        var text = RobotMarkdown.Render("提醒", [new RobotItem("区*局", "事项", "红色", "逾期", null)], RobotFormat.Text, 2048);

        Assert.Equal("提醒\n1. 【红色】区*局：事项，逾期", text);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(512)]
    [InlineData(2048)]
    [InlineData(4096)]
    public void Render_NeverExceedsTheLimitAndSaysHowManyThereAre_WhenItemsAreLeftOut(int limit)
    {
        var items = Enumerable.Range(1, 200).Select(RobotSamples.Item).ToList();

        var text = RobotMarkdown.Render("督办提醒（200项）", items, RobotFormat.Markdown, limit, "@13800001111 @13900002222");

        Assert.True(Encoding.UTF8.GetByteCount(text) <= limit, $"{Encoding.UTF8.GetByteCount(text)} > {limit}");
        Assert.Contains("\n…（共200项，其余见邮件）\n\n@13800001111 @13900002222", text, StringComparison.Ordinal);
        Assert.StartsWith("### 督办提醒（200项）\n1. ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n200. ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_DropsWholeItemsOnly_WhenSeveralFit()
    {
        var items = Enumerable.Range(1, 50).Select(RobotSamples.Item).ToList();

        var text = RobotMarkdown.Render("提醒", items, RobotFormat.Markdown, 1000);

        var lines = text.Split('\n');
        Assert.Equal("…（共50项，其余见邮件）", lines[^1]);
        Assert.All(lines[1..^1], l => Assert.EndsWith("（截止 2026-06-01）", l, StringComparison.Ordinal));
        var longer = RobotMarkdown.Render("提醒", items.Take(lines.Length - 1).ToList(), RobotFormat.Markdown, 100_000);
        Assert.True(Encoding.UTF8.GetByteCount(longer + "\n…（共50项，其余见邮件）") > 1000);
    }

    [Fact]
    public void Render_CutsTheFirstItemOnACharacterBoundary_WhenNotEvenItFits()
    {
        var item = new RobotItem("单位", string.Concat(Enumerable.Repeat("😀事", 200)), "", "", null);

        var text = RobotMarkdown.Render("提醒", [item, item], RobotFormat.Markdown, 200);

        Assert.True(Encoding.UTF8.GetByteCount(text) <= 200);
        Assert.Contains("…\n…（共2项，其余见邮件）", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)));
        Assert.True(text.EnumerateRunes().All(r => r.Value != 0xFFFD));
    }

    [Fact]
    public void Render_Throws_WhenTheLimitCannotHoldTheClosingBlock()
    {
        Assert.Throws<ArgumentException>(() => RobotMarkdown.Render("提醒", [RobotSamples.Item(1)], RobotFormat.Markdown, 20, "@13800001111 @13900002222"));
    }
}
