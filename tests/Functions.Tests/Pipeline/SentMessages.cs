using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>One message a provider accepted: its dispatch id and the ids of the events it carried.</summary>
internal sealed record SentMessage(string DispatchId, IReadOnlyList<string> Events)
{
    /// <summary>The delivery ids it stands for: <c>{event}:{channel}:{person}</c> for each event it carried.</summary>
    public IEnumerable<string> DeliveryIds
    {
        get
        {
            var key = DispatchKey.TryParse(DispatchId) ?? throw new InvalidOperationException($"'{DispatchId}' is not a dispatch id.");
            return Events.Select(e => $"{e}:{key.Partition}");
        }
    }
}

/// <summary>
/// "Each delivery sent once" for messages that carry several events: the ledger's Sent rows and the messages the providers
/// accepted agree one to one.
/// </summary>
internal static class SentMessages
{
    /// <summary>What the sandbox's recording senders answered Sent, on every channel (the robots' posts included).</summary>
    public static IReadOnlyList<SentMessage> Accepted(Sandbox sandbox) =>
    [
        .. sandbox.Email.Sent.Select(c => new SentMessage(c.Email.DispatchId, c.Email.Events)),
        .. sandbox.Sms.Sent.Select(c => new SentMessage(c.Sms.DispatchId, c.Sms.Events)),
        .. sandbox.WeCom.Sent.Select(c => new SentMessage(c.Parcel.DispatchId, c.Parcel.Events)),
        .. sandbox.DingTalk.Sent.Select(c => new SentMessage(c.Parcel.DispatchId, c.Parcel.Events)),
    ];

    /// <summary>
    /// The robot posts of an outbox log (wecom.log, dingtalk.log) as messages: one per line, each line whole JSON naming
    /// its dispatch, its robot and the events it carried; none when the file does not exist.
    /// </summary>
    public static IReadOnlyList<SentMessage> RobotLog(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var posts = new List<SentMessage>();
        foreach (var line in File.ReadAllLines(path, System.Text.Encoding.UTF8).Where(l => l.Length > 0))
        {
            using var json = System.Text.Json.JsonDocument.Parse(line);
            var root = json.RootElement;
            var id = root.GetProperty("dispatchId").GetString()!;
            Assert.Equal("robot-" + root.GetProperty("robot").GetString(), DispatchKey.TryParse(id)!.Person.Value);
            Assert.Equal(System.Text.Json.JsonValueKind.Object, root.GetProperty("request").ValueKind);
            posts.Add(new SentMessage(id, [.. root.GetProperty("events").EnumerateArray().Select(e => e.GetString()!)]));
        }

        return posts;
    }

    /// <summary>
    /// The sandbox's robot posts, as the recorder saw them accepted and as the outbox logs hold them, agree: each post is
    /// in its channel's log once, with the events it carried, and the logs hold nothing else.
    /// </summary>
    public static void AssertRobotLogsMatch(Sandbox sandbox)
    {
        foreach (var (channel, recorder) in new[] { (Channel.WeCom, sandbox.WeCom), (Channel.DingTalk, sandbox.DingTalk) })
        {
            var logged = RobotLog(sandbox.RobotLog(channel));
            Assert.All(logged.CountBy(m => m.DispatchId), c => Assert.True(c.Value == 1, $"{channel} post {c.Key} is in the log {c.Value} times."));
            Assert.Equal(
                recorder.Sent.Select(c => (c.Parcel.DispatchId, string.Join(',', c.Parcel.Events))).Order(),
                logged.Select(m => (m.DispatchId, string.Join(',', m.Events))).Order());
        }
    }

    /// <summary>
    /// Every Sent delivery is carried by exactly one accepted message to its person on its channel, the one its
    /// <see cref="Delivery.DispatchId"/> names; every event an accepted message carries is a Sent delivery; and no message
    /// id was accepted twice.
    /// </summary>
    public static void AssertEachSentDeliveryCarriedOnce(IEnumerable<Delivery> ledger, IReadOnlyCollection<SentMessage> accepted)
    {
        var sent = ledger.Where(d => d.Status == DeliveryStatus.Sent).ToList();

        Assert.All(accepted.CountBy(m => m.DispatchId), c => Assert.True(c.Value == 1, $"Message {c.Key} was accepted {c.Value} times."));
        Assert.Equal(
            sent.Select(d => d.Id).Order(StringComparer.Ordinal),
            accepted.SelectMany(m => m.DeliveryIds).Order(StringComparer.Ordinal));
        var carrier = accepted.SelectMany(m => m.DeliveryIds.Select(id => (Id: id, m.DispatchId))).ToDictionary(c => c.Id, c => c.DispatchId, StringComparer.Ordinal);
        Assert.All(sent, d => Assert.Equal(carrier[d.Id], d.DispatchId));
    }
}
