using System.Net;
using System.Text.Json.Nodes;
using System.Text;
using Escalation.Domain.Delivery;
using static Escalation.Functions.Host.CustomHandler.Names;
using static Escalation.Functions.Tests.Host.DeliverFunctionNames;

namespace Escalation.Functions.Tests.Host;

/// <summary>
/// Input that can never succeed is parked on the poison queue (200 with <c>Outputs.poison</c>), so that the host does not
/// redeliver it; a request that is not an invocation is refused (400, 404); a failure that may pass is a 500 for the host
/// to retry. None of them stops the handler answering the next request.
/// </summary>
public sealed partial class CustomHandlerTests
{
    private const string PoisonId = "poison-test-1";

    /// <summary>(function, <c>Data.message</c> as JSON, part of the reason, the body the dead letter keeps).</summary>
    public static TheoryData<string, string, string, string?> PoisonCases => new()
    {
        { DeliverEmail, Base64("not json"), "the body is not the expected JSON", "not json" },
        { DeliverSms, Text("hello, world!"), "the body is not the expected JSON", "hello, world!" },
        { DeliverEmail, Base64Bytes([0xFF, 0xFE, 0x00, 0x81]), "the body is not the expected JSON", "//4AgQ==" },
        { DeliverEmail, Base64("""{"unitId":"wjw"}"""), "eventId '' is not an event id", """{"unitId":"wjw"}""" },
        { DeliverSms, Base64("""{"eventId":"ev-42","unitId":"wjw"}"""), "eventId 'ev-42' is not an event id", """{"eventId":"ev-42","unitId":"wjw"}""" },
        {
            DeliverSms, Base64("""{"eventId":"ev-0123456789abcdef0123456789abcdef","unitId":"wjw"}"""),
            "event ev-0123456789abcdef0123456789abcdef of unit wjw is not in the escalation log",
            """{"eventId":"ev-0123456789abcdef0123456789abcdef","unitId":"wjw"}"""
        },
        { EvaluateUnit, Base64("""{"unitId":"wjw","date":"2026/06/01"}"""), "date '2026/06/01' is not an ISO date", """{"unitId":"wjw","date":"2026/06/01"}""" },
        { EvaluateUnit, Base64("null"), "the body is JSON null.", "null" },
    };

    [Theory]
    [MemberData(nameof(PoisonCases))]
    public async Task Invoke_DeadLettersWithTheReasonAndTheBody_WhenTheMessageCanNeverSucceed(string function, string message, string reason, string? body)
    {
        await using var handler = await HandlerHarness.Start();
        var request = PoisonRequest(function);
        request["Data"]![MessageBinding] = JsonNode.Parse(message);

        var answer = await handler.Post(function, request);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal([PoisonBinding], answer.Outputs.Select(o => o.Key));
        var poison = answer.Poison;
        Assert.Equal((function, PoisonId, 3), (poison["function"]!.GetValue<string>(), poison["messageId"]!.GetValue<string>(), poison["deliveryCount"]!.GetValue<int>()));
        Assert.Contains(reason, poison["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(body, poison["body"]!.GetValue<string>());
        Assert.Equal($"{function} {PoisonId}: dead-lettered: {poison["reason"]!.GetValue<string>()}", Assert.Single(answer.Logs));
        Assert.Empty(handler.Publisher.Published);
        Assert.Equal((0, 0), (handler.Email.Sent, handler.Sms.Sent));
    }

    [Theory]
    [InlineData("{}", "the request has no 'message' in Data")]
    [InlineData("""{"message":42}""", "Data.message is Number, not a message body")]
    [InlineData("""{"message":null}""", "Data.message is Null, not a message body")]
    public async Task Invoke_DeadLettersWithoutABody_WhenTheRequestHoldsNoMessage(string data, string reason)
    {
        await using var handler = await HandlerHarness.Start();
        var request = PoisonRequest(DeliverEmail);
        request["Data"] = JsonNode.Parse(data);

        var answer = await handler.Post(DeliverEmail, request);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var poison = answer.Poison;
        Assert.Equal((DeliverEmail, PoisonId, reason), (poison["function"]!.GetValue<string>(), poison["messageId"]!.GetValue<string>(), poison["reason"]!.GetValue<string>()));
        Assert.Null(poison["body"]);
        Assert.Equal($"{DeliverEmail} {PoisonId}: dead-lettered: {reason}", Assert.Single(answer.Logs));
    }

    [Theory]
    [InlineData("this is not an invocation", "the invocation request is not JSON")]
    [InlineData("""{"Data": {"message": "e30=""", "the invocation request is not JSON")]
    [InlineData("", "the invocation request is not JSON")]
    [InlineData("""["Data","Metadata"]""", "the invocation request is not a JSON object")]
    public async Task Invoke_AnswersBadRequest_WhenTheRequestIsNotAnInvocation(string content, string reason)
    {
        await using var handler = await HandlerHarness.Start();

        var answer = await handler.PostText(EvaluateUnit, content);
        var next = await handler.Post(EvaluateUnit, EvaluateRequestFor(Unit, BodyForm.Base64));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal("{}", answer.Outputs.ToJsonString());
        Assert.StartsWith($"EvaluateUnit: {reason}", Assert.Single(answer.Logs), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, next.Status);
    }

    [Theory]
    [InlineData("SendFax")]
    [InlineData("scandeadlines")]
    public async Task Invoke_AnswersNotFound_WhenNoFunctionHasTheName(string function)
    {
        await using var handler = await HandlerHarness.Start();

        var answer = await handler.Post(function, HostPayloads.Timer(HandlerHarness.ScanTime));

        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.Equal($"No function named '{function}' in this handler.", Assert.Single(answer.Logs));
        Assert.Empty(handler.Publisher.Published);
    }

    /// <summary>
    /// Only the host aborting the request may escape the handler: a timeout surfacing as a cancellation nobody asked for
    /// (HttpClient.Timeout, an Azure SDK network timeout) is answered with the 500 and its reason in Logs.
    /// </summary>
    [Fact]
    public async Task Invoke_FailsForARetryWithTheReasonInLogs_WhenAnAdapterTimesOutWithoutTheRequestBeingCancelled()
    {
        await using var handler = await HandlerHarness.Start();
        handler.Publisher.FailNext(new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:01:40."));

        var failed = await handler.Post(ScanDeadlines, HostPayloads.Timer(HandlerHarness.ScanTime));
        var next = await handler.Post(ScanDeadlines, HostPayloads.Timer(HandlerHarness.ScanTime));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Contains("TaskCanceledException", Assert.Single(failed.Logs), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, next.Status);
    }

    private static JsonObject PoisonRequest(string function) => HostPayloads.Message(
        function,
        BinaryData.FromString("{}"),
        BodyForm.Base64,
        PoisonId,
        new Dictionary<string, string>(StringComparer.Ordinal) { ["Unit"] = Unit },
        HandlerHarness.ScanTime,
        deliveryCount: 3);

    private static string Base64(string text) => Base64Bytes(Encoding.UTF8.GetBytes(text));

    private static string Base64Bytes(byte[] bytes) => JsonValue.Create(Convert.ToBase64String(bytes)).ToJsonString();

    private static string Text(string text) => JsonValue.Create(text).ToJsonString();
}
