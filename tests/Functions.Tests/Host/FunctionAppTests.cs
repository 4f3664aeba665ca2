using System.Text.Json;
using System.Text.RegularExpressions;
using Escalation.Domain.Rules;
using Escalation.Functions.Commands;
using Escalation.Functions.Host;
using Escalation.Functions.Messaging;
using static Escalation.Functions.Host.CustomHandler.Names;

namespace Escalation.Functions.Tests.Host;

/// <summary>
/// What the Functions host reads from src/Functions/FunctionApp agrees with the handler: one folder per function it
/// maps, trigger binding names it reads, the Service Bus entities it publishes to, settings it knows, and host.json
/// starting this executable with <c>serve</c>.
/// </summary>
public sealed partial class FunctionAppTests
{
    private static readonly string AppFolder = Path.Combine(Repo.Root, "src", "Functions", "FunctionApp");

    private static readonly string[] RetryStrategies = ["exponentialBackoff", "fixedDelay"];

    public static TheoryData<string> Functions => [.. CustomHandler.Names.Functions];

    public static TheoryData<string> ServiceBusFunctions => [EvaluateUnit, .. Deliver.Keys];

    /// <summary>Every channel's delivery function: <c>Deliver{Channel}</c>.</summary>
    public static TheoryData<string> DeliverFunctions => [.. Deliver.Keys];

    [Fact]
    public void FunctionFolders_AreExactlyTheHandlersFunctions()
    {
        var folders = Directory.GetDirectories(AppFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(CustomHandler.Names.Folders.Order(StringComparer.Ordinal), folders);
        Assert.All(folders, f => Assert.True(File.Exists(Path.Combine(AppFolder, f!, "function.json")), $"{f} has no function.json"));
    }

    [Theory]
    [InlineData(ScanDeadlines, "timerTrigger", TimerBinding)]
    [InlineData(EvaluateUnit, "serviceBusTrigger", MessageBinding)]
    [InlineData("DeliverEmail", "serviceBusTrigger", MessageBinding)]
    [InlineData("DeliverSms", "serviceBusTrigger", MessageBinding)]
    public void FunctionJson_HasOneTriggerWithTheBindingNameTheHandlerReads(string function, string type, string name)
    {
        using var json = FunctionJson(function);

        var triggers = Bindings(json).Where(b => Text(b, "type")!.EndsWith("Trigger", StringComparison.Ordinal)).ToList();

        var trigger = Assert.Single(triggers);
        Assert.Equal((type, name, "in"), (Text(trigger, "type"), Text(trigger, "name"), Text(trigger, "direction")));
    }

    [Theory]
    [InlineData(CustomHandler.Names.Web, "{*path}", "anonymous")]
    [InlineData(CustomHandler.Names.Api, "api/{*path}", "function")]
    public void HttpFunction_HasItsRouteAndAuthLevel_AndOnlyAnHttpOutput_SoThatTheHostForwardsTheRequest(string function, string route, string authLevel)
    {
        using var json = FunctionJson(function);

        var trigger = Trigger(json);
        var outputs = Bindings(json).Where(b => Text(b, "direction") == "out").ToList();
        var methods = trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()).Order(StringComparer.Ordinal);

        Assert.Equal(("httpTrigger", route, authLevel), (Text(trigger, "type"), Text(trigger, "route"), Text(trigger, "authLevel")));
        Assert.Equal(["get", "head", "post"], methods);
        // The host forwards the request as it came only to functions whose one output is the HTTP response
        // (azure-functions-host DefaultHttpWorkerService: IsHttpInAndOutFunction); any other binding would bring the payload back.
        var output = Assert.Single(outputs);
        Assert.Equal("http", Text(output, "type"));
        Assert.Equal(2, Bindings(json).Count);
    }

    [Fact]
    public void HostJson_ForwardsHttpRequests_WithoutARoutePrefix()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppFolder, "host.json")));

        var root = json.RootElement;

        Assert.True(root.GetProperty("customHandler").GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal("", Text(root.GetProperty("extensions").GetProperty("http"), "routePrefix"));
        Assert.Empty(CustomHandler.Names.Functions.Intersect(CustomHandler.Names.HttpFunctions));
    }

    [Fact]
    public void EvaluateTrigger_ListensOnTheQueueTheScanPublishesTo()
    {
        using var json = FunctionJson(EvaluateUnit);

        var trigger = Trigger(json);

        Assert.Equal((ServiceBusEntities.EvaluateQueue, null, null), (Text(trigger, "queueName"), Text(trigger, "topicName"), Text(trigger, "subscriptionName")));
    }

    [Theory]
    [MemberData(nameof(DeliverFunctions))]
    public void DeliverTrigger_ListensOnItsChannelsSubscriptionOfTheEventsTopic(string function)
    {
        using var json = FunctionJson(function);

        var trigger = Trigger(json);

        Assert.Equal(
            (null, ServiceBusEntities.EventsTopic, Escalation.Functions.Sending.ChannelSet.SubscriptionName(Deliver[function])),
            (Text(trigger, "queueName"), Text(trigger, "topicName"), Text(trigger, "subscriptionName")));
    }

    [Theory]
    [MemberData(nameof(ServiceBusFunctions))]
    public void ServiceBusTrigger_TakesOneBinaryMessageAndHasNoRetryPolicy(string function)
    {
        using var json = FunctionJson(function);

        var trigger = Trigger(json);

        Assert.Equal(("binary", "one"), (Text(trigger, "dataType"), Text(trigger, "cardinality")));
        Assert.False(json.RootElement.TryGetProperty("retry", out _), $"{function}: Service Bus triggers may not have a retry policy");
    }

    [Theory]
    [MemberData(nameof(ServiceBusFunctions))]
    public void ServiceBusFunction_HasThePoisonOutputTheHandlerAnswers(string function)
    {
        using var json = FunctionJson(function);

        var outputs = Bindings(json).Where(b => Text(b, "direction") == "out").ToList();

        var poison = Assert.Single(outputs);
        Assert.Equal((PoisonBinding, "serviceBus", ServiceBusEntities.PoisonQueue), (Text(poison, "name"), Text(poison, "type"), Text(poison, "queueName")));
    }

    [Fact]
    public void Timer_HasARetryPolicyAndTheScheduleSetting()
    {
        using var json = FunctionJson(ScanDeadlines);

        var trigger = Trigger(json);
        var hasRetry = json.RootElement.TryGetProperty("retry", out var retry);

        Assert.Equal($"%{EngineSettings.ScanScheduleKey}%", Text(trigger, "schedule"));
        Assert.True(hasRetry, "ScanDeadlines has no retry policy: a failed scan would wait a day");
        Assert.Contains(Text(retry, "strategy"), RetryStrategies);
        Assert.True(retry.GetProperty("maxRetryCount").GetInt32() > 0);
    }

    [Fact]
    public void SettingReferences_AreKeysTheAppReads()
    {
        var references = Directory.EnumerateFiles(AppFolder, "*.json", SearchOption.AllDirectories)
            .SelectMany(file => SettingReference().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetRelativePath(AppFolder, file), Key: m.Groups[1].Value)))
            .ToList();

        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.True(EngineSettings.Keys.Contains(r.Key), $"{r.File} refers to %{r.Key}%, which the app does not read"));
    }

    [Fact]
    public void Connections_AreSettingsTheAppReads()
    {
        var connections = CustomHandler.Names.Functions
            .SelectMany(f =>
            {
                using var json = FunctionJson(f);
                return Bindings(json).Select(b => (Function: f, Connection: Text(b, "connection"))).Where(c => c.Connection is not null).ToList();
            })
            .ToList();

        // EvaluateUnit's trigger and poison output, and each channel's Deliver function's two.
        Assert.Equal(2 + (2 * Enum.GetValues<Channel>().Length), connections.Count);
        Assert.All(connections, c => Assert.True(
            EngineSettings.Keys.Contains($"{c.Connection}__fullyQualifiedNamespace") || EngineSettings.Keys.Contains(c.Connection!),
            $"{c.Function}: connection '{c.Connection}' is neither {c.Connection}__fullyQualifiedNamespace nor {c.Connection} among the settings"));
    }

    [Fact]
    public void HostJson_StartsThisExecutableWithServeAndTheV4Bundle()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppFolder, "host.json")));

        var root = json.RootElement;
        var description = root.GetProperty("customHandler").GetProperty("description");

        Assert.Equal("2.0", Text(root, "version"));
        Assert.Equal(("Microsoft.Azure.Functions.ExtensionBundle", "[4.*, 5.0.0)"), (Text(root.GetProperty("extensionBundle"), "id"), Text(root.GetProperty("extensionBundle"), "version")));
        Assert.Equal("handler/Escalation.Functions", Text(description, "defaultExecutablePath"));
        Assert.Equal(typeof(CustomHandler).Assembly.GetName().Name, Path.GetFileName(Text(description, "defaultExecutablePath")));
        Assert.Equal(["serve"], description.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public void HostJson_RenewsServiceBusLocksForAsLongAsAnInvocationMayRun()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppFolder, "host.json")));

        var timeout = TimeSpan.Parse(Text(json.RootElement, "functionTimeout")!, System.Globalization.CultureInfo.InvariantCulture);
        var renewal = TimeSpan.Parse(Text(json.RootElement.GetProperty("extensions").GetProperty("serviceBus"), "maxAutoLockRenewalDuration")!, System.Globalization.CultureInfo.InvariantCulture);

        // A lock that lapses while the invocation still runs hands the message to another instance: sends twice.
        Assert.True(renewal >= timeout, $"locks are renewed for {renewal}, but an invocation may run {timeout}");
    }

    private static JsonDocument FunctionJson(string function) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppFolder, function, "function.json")));

    private static List<JsonElement> Bindings(JsonDocument json) => [.. json.RootElement.GetProperty("bindings").EnumerateArray()];

    private static JsonElement Trigger(JsonDocument json) =>
        Bindings(json).Single(b => Text(b, "type")!.EndsWith("Trigger", StringComparison.Ordinal));

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex("%([^%\"]+)%")]
    private static partial Regex SettingReference();
}
