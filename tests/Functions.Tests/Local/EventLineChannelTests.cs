using System.Text.Json;
using Escalation.Domain.Rules;
using Escalation.Functions.Local;
using Escalation.Functions.Tests.Export;

namespace Escalation.Functions.Tests.Local;

/// <summary>The channels of a <c>run</c> / <c>simulate</c> event line are named as the rules table names them.</summary>
public class EventLineChannelTests
{
    // The kebab-case enum policy of the line wrote WeCom as "we-com" and DingTalk as "ding-talk": words no rule accepts.
    [Fact]
    public void EventLine_NamesEveryChannelByItsRulesTableWord_WhenTheRulePostsToRobots()
    {
        var e = ExportData.Notice("lag:2026-05", "zjj", new NodaTime.LocalDate(2026, 6, 2)) with
        {
            Channels = [Channel.Email, Channel.Sms, Channel.WeCom, Channel.DingTalk],
        };

        using var line = JsonDocument.Parse(EventLine.Of(e));

        var words = line.RootElement.GetProperty("channels").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(["email", "sms", "wecom", "dingtalk"], words);
        Assert.Equal(e.Channels, words.Select(w => ChannelCatalog.ByWord[w]));
    }
}
