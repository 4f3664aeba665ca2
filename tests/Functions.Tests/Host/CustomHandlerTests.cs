using System.Text.Json.Nodes;
using Escalation.Functions.Messaging;
using static Escalation.Functions.Host.CustomHandler.Names;

namespace Escalation.Functions.Tests.Host;

/// <summary>
/// The custom-handler wire contract (architecture.md §2), pinned by posting host-shaped requests (see
/// <see cref="HostPayloads"/> for where each shape comes from) to the handler on a test server over a real engine.
/// Split by concern: readiness, the timer, evaluation, delivery, and requests that are malformed or fail.
/// </summary>
public sealed partial class CustomHandlerTests
{
    private const string Day = "2026-06-01";

    /// <summary>The unit of samples/ that raises two events on 2026-06-01, each for email and SMS.</summary>
    private const string Unit = "wjw";

    public static TheoryData<BodyForm> Forms => [.. Enum.GetValues<BodyForm>()];

    /// <summary>The evaluate request the scan publishes for <paramref name="unit"/>, as the EvaluateUnit trigger hands it over.</summary>
    private static JsonObject EvaluateRequestFor(string unit, BodyForm form, int deliveryCount = 1) => HostPayloads.Message(
        EvaluateUnit,
        BinaryData.FromString($$"""{"unitId":"{{unit}}","date":"{{Day}}"}"""),
        form,
        $"evaluate:{Day}:{unit}",
        new Dictionary<string, string>(StringComparer.Ordinal) { ["Unit"] = unit },
        HandlerHarness.ScanTime,
        deliveryCount);

    /// <summary>A message the engine published, as the <paramref name="function"/> trigger hands it over.</summary>
    private static JsonObject Received(OutgoingMessage published, string function, int deliveryCount = 1, BodyForm form = BodyForm.Base64) =>
        HostPayloads.Message(function, published.Body, form, published.MessageId, published.Properties, HandlerHarness.ScanTime, deliveryCount, published.CorrelationId);

    /// <summary>
    /// Evaluates <see cref="Unit"/> through the handler and returns the first event notice it published; the publisher is
    /// then cleared, so that it holds only what the delivery functions publish.
    /// </summary>
    private static async Task<OutgoingMessage> EvaluateAndTakeFirstNotice(HandlerHarness handler) => (await EvaluateAndTakeNotices(handler))[0];

    /// <summary>As <see cref="EvaluateAndTakeFirstNotice"/>, returning every event notice, in event id order.</summary>
    private static async Task<IReadOnlyList<OutgoingMessage>> EvaluateAndTakeNotices(HandlerHarness handler)
    {
        var answer = await handler.Post(EvaluateUnit, EvaluateRequestFor(Unit, BodyForm.Base64));
        Assert.Equal(System.Net.HttpStatusCode.OK, answer.Status);
        var notices = handler.Publisher.To(ServiceBusEntities.EventsTopic).OrderBy(m => m.MessageId, StringComparer.Ordinal).ToList();
        handler.Publisher.Clear();
        return notices;
    }
}
