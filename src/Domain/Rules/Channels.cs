using Escalation.Domain.Catalog;

namespace Escalation.Domain.Rules;

/// <summary>How an event reaches people. Everything the domain knows of each is in <see cref="ChannelCatalog"/>.</summary>
public enum Channel
{
    /// <summary>Email.</summary>
    Email,

    /// <summary>SMS.</summary>
    Sms,

    /// <summary>A WeCom (企业微信) group robot: posts to a unit's or the office's group, not to a person.</summary>
    WeCom,

    /// <summary>A DingTalk (钉钉) custom robot: posts to a unit's or the office's group, not to a person.</summary>
    DingTalk,
}

/// <summary>What the domain knows of one channel.</summary>
/// <param name="Channel">The channel.</param>
/// <param name="ChineseName">Its name for users: 邮件, 短信.</param>
/// <param name="AddressName">What its address is called: 邮箱, 手机号.</param>
/// <param name="Words">The words a rule's or a person's <c>Channels</c> column may name it by (any case).</param>
/// <param name="Address">
/// A person's address on it, as the people table gives it; null when there is none. The robot channels address a group's
/// robot (a <see cref="Contact"/> made from the robots table, whose address is the robot's id), never a person.
/// </param>
public sealed record ChannelInfo(Channel Channel, string ChineseName, string AddressName, IReadOnlyList<string> Words, Func<Contact, string?> Address);

/// <summary>
/// The channels, described once: their names in Chinese and in the tables, and where a person's address comes from. A new
/// channel is one member of <see cref="Channel"/> and one entry here; the engine's side of it is one adapter
/// (<c>IChannelSender</c>) and its settings, function folder and Service Bus subscription.
/// </summary>
public static class ChannelCatalog
{
    public static IReadOnlyList<ChannelInfo> All { get; } =
    [
        new(Channel.Email, "邮件", "邮箱", ["email", "邮件"], c => c.Email),
        new(Channel.Sms, "短信", "手机号", ["sms", "短信"], c => c.Mobile),
        new(Channel.WeCom, "企业微信", "企业微信机器人", ["wecom", "企业微信"], c => c.Robot),
        new(Channel.DingTalk, "钉钉", "钉钉机器人", ["dingtalk", "钉钉"], c => c.Robot),
    ];

    private static readonly Dictionary<Channel, ChannelInfo> ByChannel = All.ToDictionary(i => i.Channel);

    /// <summary>What is known of <paramref name="channel"/>.</summary>
    public static ChannelInfo Of(Channel channel) =>
        ByChannel.TryGetValue(channel, out var info) ? info : throw new ArgumentOutOfRangeException(nameof(channel), channel, "Not a channel.");

    /// <summary>True for the channels that post to a group's robot (WeCom, DingTalk) rather than to each person.</summary>
    public static bool IsRobot(Channel channel) => channel is Channel.WeCom or Channel.DingTalk;

    /// <summary>Every word a table may name a channel by, to the channel.</summary>
    public static IReadOnlyDictionary<string, Channel> ByWord { get; } =
        All.SelectMany(i => i.Words.Select(w => (w, i.Channel))).ToDictionary(x => x.w, x => x.Channel, StringComparer.OrdinalIgnoreCase);
}
