using Escalation.Domain.Catalog;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;
using Escalation.Functions.Commands;
using Escalation.Functions.Sending;
using Escalation.Functions.Sending.China;
using NodaTime;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>The sign link (签收) in robot posts, and the setting it comes from (Escalation__Web__BaseUrl).</summary>
public sealed class RobotSignLinkTests
{
    private static readonly LocalDate Day = new(2026, 6, 2);

    private static EscalationEvent Notice(EventLevel level = EventLevel.Notice)
    {
        var id = new ItemId("zjj-2026-01");
        return new EscalationEvent(EventId.For(new RuleId("R5"), id, "lag:2026-05"), new RuleId("R5"), level, EventKind.Lagging, id, new UnitId("zjj"), Day,
            "lag:2026-05", [], [Channel.WeCom], "lag-notice", new EventFacts("老旧小区改造提升工程", "市住房城乡建设局", 60, 35, Streak: 2), null) { Reference = "督办〔2026〕0012号" };
    }

    private static Parcel ParcelOf(WordingSettings wording, bool copy, params EscalationEvent[] events) =>
        new("WeCom:robot-zjj:20260602:Notice:001", "zjj", "群机器人", new Letter(null, events[0].Level, Day, [.. events.Select(e => new LetterItem(e, null, copy))]), wording, Instant.FromUtc(2026, 6, 2, 1, 0));

    [Fact]
    public void Notice_LinksEachNoticeToItsPage_AsAMarkdownLinkAndAsText()
    {
        var e = Notice();
        var notice = RobotChannel.Notice(ParcelOf(WordingSettings.Default with { WebBaseUrl = "https://escalation.example.cn" }, false, e));

        var markdown = RobotMarkdown.Render(notice.Title, notice.Items, RobotFormat.Markdown, 4096);
        var text = RobotMarkdown.Render(notice.Title, notice.Items, RobotFormat.Text, 2048);

        Assert.EndsWith($"（文号：督办〔2026〕0012号）（[签收](https://escalation.example.cn/notices/{e.Id.Value})）", markdown, StringComparison.Ordinal);
        Assert.EndsWith($"（签收：https://escalation.example.cn/notices/{e.Id.Value}）", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Notice_HasNoLink_WithoutTheSetting_ForACopy_OrAReminder()
    {
        var linked = WordingSettings.Default with { WebBaseUrl = "https://escalation.example.cn" };

        foreach (var parcel in new[] { ParcelOf(WordingSettings.Default, false, Notice()), ParcelOf(linked, true, Notice()), ParcelOf(linked, false, Notice(EventLevel.Reminder)) })
        {
            var post = RobotMarkdown.Render(RobotChannel.Notice(parcel).Title, RobotChannel.Notice(parcel).Items, RobotFormat.Markdown, 4096);
            Assert.DoesNotContain("签收", post, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Line_DropsALinkThatCouldBreakOutOfTheMarkdown()
    {
        var item = new RobotItem("市住建局", "老旧小区改造", "通报", "进度滞后", null) { SignLink = "https://x.example/notices/ev-1)[evil](https://evil.example" };

        Assert.DoesNotContain("evil", RobotMarkdown.Render("t", [item], RobotFormat.Markdown, 4096), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://escalation.example.cn", "https://escalation.example.cn")]
    [InlineData("https://escalation.example.cn/", "https://escalation.example.cn")]
    [InlineData("http://127.0.0.1:7071", "http://127.0.0.1:7071")]
    public void Settings_ReadTheWebBaseUrl_WithoutATrailingSlash(string value, string expected)
    {
        var (settings, errors) = EngineSettings.From(key => key == EngineSettings.WebBaseUrlKey ? value : null);

        Assert.Empty(errors);
        Assert.Equal(expected, settings!.Delivery.WebBaseUrl);
    }

    [Theory]
    [InlineData("escalation.example.cn")]
    [InlineData("ftp://escalation.example.cn")]
    [InlineData("https://escalation.example.cn/?a=1")]
    public void Settings_RefuseAWebBaseUrl_ThatIsNoWebAddress(string value)
    {
        var (_, errors) = EngineSettings.From(key => key == EngineSettings.WebBaseUrlKey ? value : null);

        Assert.Contains(errors, e => e.Contains(EngineSettings.WebBaseUrlKey, StringComparison.Ordinal) && e.Contains(value, StringComparison.Ordinal));
    }

    [Fact]
    public void Settings_HaveNoWebBaseUrl_ByDefault()
    {
        Assert.Null(EngineSettings.From(_ => null).Settings!.Delivery.WebBaseUrl);
    }
}
