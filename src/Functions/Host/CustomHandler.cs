using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Escalation.Domain.Rules;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Sending;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Escalation.Functions.Host;

/// <summary>
/// The Functions custom-handler contract (architecture.md §2): <c>GET /</c> answers readiness; <c>POST /{FunctionName}</c>
/// takes <c>{Data, Metadata}</c> and answers <c>{Outputs, Logs, ReturnValue}</c>. Outputs carry only the <c>poison</c>
/// binding (a dead letter with its reason); everything else is published with the Service Bus SDK, because the output binding cannot
/// set message ids, schedules or properties. A non-2xx answer fails the invocation, so that the host retries: it is given
/// only for failures that may pass (storage or Service Bus unavailable, throttling) and for requests that are not
/// invocations at all.
/// </summary>
internal static partial class CustomHandler
{
    /// <summary>Names of the function folders, the trigger bindings and the dead-letter output binding.</summary>
    public static class Names
    {
        public const string ScanDeadlines = "ScanDeadlines";

        /// <summary>The afternoon scan's timer (schedule <c>Escalation__AfternoonScanSchedule</c>).</summary>
        public const string ScanAfternoon = "ScanAfternoon";
        public const string EvaluateUnit = "EvaluateUnit";

        /// <summary>The weekly supervision list's timer (schedule <c>Escalation__WeeklyListSchedule</c>).</summary>
        public const string WeeklyList = "WeeklyList";

        /// <summary>The monthly notice's timer (schedule <c>Escalation__MonthlyNoticeSchedule</c>).</summary>
        public const string MonthlyNotice = "MonthlyNotice";
        public const string TimerBinding = "timer";
        public const string MessageBinding = "message";
        public const string PoisonBinding = "poison";

        /// <summary>The function delivering each channel (<c>Deliver{Channel}</c>), one folder each.</summary>
        public static IReadOnlyDictionary<string, Channel> Deliver { get; } =
            Enum.GetValues<Channel>().ToDictionary(ChannelSet.FunctionName, c => c, StringComparer.Ordinal);

        /// <summary>The functions the host invokes with <c>POST /{FunctionName}</c> and a <c>{Data, Metadata}</c> payload.</summary>
        public static IReadOnlyList<string> Functions { get; } = [ScanDeadlines, ScanAfternoon, WeeklyList, MonthlyNotice, EvaluateUnit, .. Deliver.Keys];

        /// <summary>
        /// The web pages: an HTTP function (route <c>{*path}</c>, authLevel anonymous, App Service authentication in front
        /// of it). With <c>enableForwardingHttpRequest</c> the host forwards the request itself (path, query, headers, body)
        /// to the handler, not a payload.
        /// </summary>
        public const string Web = "Web";

        /// <summary>The JSON API for machine callers: route <c>api/{*path}</c>, authLevel function (a function key).</summary>
        public const string Api = "Api";

        /// <summary>The HTTP functions, whose requests the host forwards as they came (host.json).</summary>
        public static IReadOnlyList<string> HttpFunctions { get; } = [Web, Api];

        /// <summary>Every function folder of src/Functions/FunctionApp: the invoked functions and the HTTP ones.</summary>
        public static IReadOnlyList<string> Folders { get; } = [.. Functions, .. HttpFunctions];
    }

    /// <summary>
    /// Maps the endpoints. <paramref name="engine"/> is asked for on each invocation: it is built on first use, so that
    /// readiness answers at once, and a configuration fault fails invocations with the fault in their logs.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <param name="engine">The engine, built on first use.</param>
    /// <param name="readiness">True to answer <c>GET /</c> with <c>ready</c>; false when the web pages serve <c>/</c> (any answer is ready to the host).</param>
    public static void Map(WebApplication app, Func<Engine> engine, bool readiness = true)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Escalation.Handler");
        if (readiness)
        {
            app.MapGet("/", () => Results.Text("ready"));
        }

        app.MapPost("/{function}", (string function, HttpRequest request, CancellationToken cancellationToken) =>
            Invoke(function, request, engine, logger, cancellationToken));
    }

    private static async Task<IResult> Invoke(string function, HttpRequest request, Func<Engine> engine, ILogger logger, CancellationToken cancellationToken)
    {
        // Exact names only (routing ignores case), and never a forwarded web request (see ForwardedHeaders).
        if (!Names.Functions.Contains(function, StringComparer.Ordinal) || ForwardedBy(request.Headers) is not null)
        {
            return Answer(StatusCodes.Status404NotFound, null, [$"No function named '{function}' in this handler."]);
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var (payload, error) = HostPayload.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        if (payload is null)
        {
            LogBadRequest(logger, function, error!);
            return Answer(StatusCodes.Status400BadRequest, null, [$"{function}: {error}"]);
        }

        try
        {
            var e = engine();
            return function switch
            {
                Names.ScanDeadlines => await Scan(function, () => e.ScanDeadlines(cancellationToken), payload).ConfigureAwait(false),
                Names.ScanAfternoon => await Scan(function, () => e.ScanAfternoon(cancellationToken), payload).ConfigureAwait(false),
                Names.WeeklyList => await Digest(function, () => e.WeeklyList(cancellationToken), payload).ConfigureAwait(false),
                Names.MonthlyNotice => await Digest(function, () => e.MonthlyNotice(cancellationToken), payload).ConfigureAwait(false),
                Names.EvaluateUnit => await OnMessage(function, payload, m => e.EvaluateUnit(m, cancellationToken)).ConfigureAwait(false),
                _ => await OnMessage(function, payload, m => e.Deliver(m, Names.Deliver[function], cancellationToken)).ConfigureAwait(false),
            };
        }
#pragma warning disable CA1031 // Every failure becomes a 500 with its reason in the logs (a timeout too; only the host aborting the request is let through): the host then retries, or dead-letters after max deliveries.
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogFailed(logger, ex, function, payload.Metadata("MessageId") ?? "");
            return Answer(StatusCodes.Status500InternalServerError, null, [$"{function} failed and will be retried: {ex.GetType().Name}: {ex.Message}"]);
        }
    }

    /// <summary>
    /// Headers that a request forwarded from outside carries and the host's own invocations never do. The host builds each
    /// invocation itself (<c>POST /{FunctionName}</c>, a <c>{Data, Metadata}</c> body, <c>Content-Type</c>, its
    /// <c>X-Azure-Functions-InvocationId</c>, <c>X-Azure-Functions-HostVersion</c> and <c>User-Agent</c> headers), while a
    /// request through the <c>Web</c> or <c>Api</c> function is a copy of the client's request with every header it came
    /// with: what App Service authentication adds (<c>X-MS-CLIENT-PRINCIPAL*</c>), what the platform's front end adds
    /// (<c>X-Forwarded-*</c>, <c>X-Original-URL</c>, <c>X-ARR-*</c>, <c>X-Client-IP</c>, <c>Disguised-Host</c>,
    /// <c>X-WAWS-Unencoded-URL</c>) and what a browser always sends with a cross-site or form POST (<c>Cookie</c>,
    /// <c>Origin</c>, <c>Referer</c>, <c>Sec-Fetch-*</c>). Any one of them refuses the invocation, so that which of them a
    /// given front end adds does not matter.
    /// </summary>
    public static IReadOnlyList<string> ForwardedHeaders { get; } =
    [
        Web.AppServicePrincipalSource.PrincipalHeader, Web.AppServicePrincipalSource.PrincipalHeader + "-ID",
        Web.AppServicePrincipalSource.NameHeader, Web.AppServicePrincipalSource.PrincipalHeader + "-IDP",
        "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-TlsVersion", "Forwarded",
        "X-Original-URL", "X-WAWS-Unencoded-URL", "X-ARR-SSL", "X-ARR-LOG-ID", "X-ARR-ClientCert", "X-Client-IP", "Client-IP", "Disguised-Host",
        "X-AppService-Proto", "X-Site-Deployment-Id",
        "Cookie", "Origin", "Referer",
    ];

    /// <summary>The first header that marks <paramref name="headers"/> as a forwarded request (any <c>Sec-Fetch-*</c> included), or null.</summary>
    public static string? ForwardedBy(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var name in ForwardedHeaders)
        {
            if (headers.ContainsKey(name))
            {
                return name;
            }
        }

        return headers.Keys.FirstOrDefault(k => k.StartsWith("Sec-Fetch-", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<IResult> Scan(string function, Func<Task<ScanOutcome>> scan, HostPayload payload)
    {
        var pastDue = payload.DataObject(Names.TimerBinding) is { ValueKind: JsonValueKind.Object } timer
            && timer.TryGetProperty("IsPastDue", out var p) && p.ValueKind == JsonValueKind.True;
        var outcome = await scan().ConfigureAwait(false);
        return Answer(StatusCodes.Status200OK, null, [string.Create(CultureInfo.InvariantCulture,
            $"{function}{(pastDue ? " (past due)" : "")}: {outcome.Units} units{(outcome.Indicators > 0 ? $" and {outcome.Indicators} indicators" : "")} to evaluate on {outcome.Date:yyyy-MM-dd}, {outcome.ConfigurationProblems} configuration problems open")]);
    }

    private static async Task<IResult> Digest(string function, Func<Task<Digests.DigestOutcome>> issue, HostPayload payload)
    {
        var pastDue = payload.DataObject(Names.TimerBinding) is { ValueKind: JsonValueKind.Object } timer
            && timer.TryGetProperty("IsPastDue", out var p) && p.ValueKind == JsonValueKind.True;
        var outcome = await issue().ConfigureAwait(false);
        return Answer(StatusCodes.Status200OK, null, [$"{function}{(pastDue ? " (past due)" : "")}: {outcome.Summary}"]);
    }

    private static async Task<IResult> OnMessage(string function, HostPayload payload, Func<ReceivedMessage, Task<Settlement>> handle)
    {
        var (message, error) = payload.Message(Names.MessageBinding);
        var settlement = message is null ? new Settlement.DeadLetter(error!) : await handle(message).ConfigureAwait(false);
        var id = message?.MessageId ?? payload.Metadata("MessageId") ?? "";
        return settlement switch
        {
            Settlement.Completed done => Answer(StatusCodes.Status200OK, null, [$"{function} {id}: {done.Summary}"]),
            Settlement.DeadLetter dead => Answer(
                StatusCodes.Status200OK,
                new JsonObject { [Names.PoisonBinding] = PoisonBody(function, id, message, dead.Reason) },
                [$"{function} {id}: dead-lettered: {dead.Reason}"]),
            _ => throw new InvalidOperationException($"Unknown settlement {settlement}."),
        };
    }

    /// <summary>The dead letter parked on the poison queue: where it came from, why, and the body as received.</summary>
    private static string PoisonBody(string function, string messageId, ReceivedMessage? message, string reason) =>
        new JsonObject
        {
            ["function"] = function,
            ["messageId"] = messageId,
            ["deliveryCount"] = message?.DeliveryCount,
            ["reason"] = reason,
            ["body"] = message is null ? null : HostPayload.Describe(message.Body),
        }.ToJsonString();

    private static IResult Answer(int status, JsonObject? outputs, IReadOnlyList<string> logs)
    {
        var logArray = new JsonArray();
        foreach (var line in logs)
        {
            logArray.Add(line);
        }

        var body = new JsonObject
        {
            ["Outputs"] = outputs ?? new JsonObject(),
            ["Logs"] = logArray,
            ["ReturnValue"] = null,
        };
        return Results.Text(body.ToJsonString(), "application/json", statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation of {Function} is not a host request: {Error}")]
    private static partial void LogBadRequest(ILogger logger, string function, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function} failed for message {MessageId}; the host will retry")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function, string messageId);
}
