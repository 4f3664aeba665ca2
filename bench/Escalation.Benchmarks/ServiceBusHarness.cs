using System.Diagnostics;
using System.Globalization;
using Azure.Identity;
using Escalation.Functions.Messaging;
using Escalation.Functions.Tests.Messaging;

namespace Escalation.Benchmarks;

/// <summary>
/// <c>--servicebus</c>: times <see cref="ServiceBusPublisher"/> (the real SDK over AMQP) against the in-process AMQP 1.0
/// test broker on a loopback port, or against a real namespace for a live smoke check:
/// <list type="bullet">
/// <item>first send: a new publisher's first publish of one message (connection, SASL, CBS token, sender link, transfer);</item>
/// <item>steady state: single-message publishes on a warm publisher, and publishes of 100 messages (batched by the SDK).</item>
/// </list>
/// Options: <c>--firsts N</c> (default 11, at least 2), <c>--sends N</c> (300), <c>--batches N</c> (50);
/// <c>--namespace HOST --entity QUEUE</c> (an Entra token from <c>az login</c>) or <c>--connection STRING --entity QUEUE</c>
/// to send to a real queue instead of the loopback broker.
/// </summary>
public static class ServiceBusHarness
{
    private const int BatchSize = 100;
    private const int Warmup = 20;

    public static async Task<int> Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? ns = null, connection = null, entity = null;
        int firsts = 11, sends = 300, batches = 50;
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => int.Parse(args[++i], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--servicebus": break;
                case "--namespace" when i + 1 < args.Length: ns = args[++i]; break;
                case "--connection" when i + 1 < args.Length: connection = args[++i]; break;
                case "--entity" when i + 1 < args.Length: entity = args[++i]; break;
                case "--firsts" when i + 1 < args.Length: firsts = Next(); break;
                case "--sends" when i + 1 < args.Length: sends = Next(); break;
                case "--batches" when i + 1 < args.Length: batches = Next(); break;
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: --servicebus [--firsts N] [--sends N] [--batches N] [(--namespace HOST | --connection STRING) --entity QUEUE]");
                    return 2;
            }
        }

        if (firsts < 2 || sends < 1 || batches < 1)
        {
            Console.Error.WriteLine("--firsts needs at least 2 (the first one includes JIT), --sends and --batches at least 1.");
            return 2;
        }

        if ((ns is not null || connection is not null) && entity is null)
        {
            Console.Error.WriteLine("--namespace and --connection need --entity: a scratch queue that nothing consumes (not evaluate, events or poison).");
            return 2;
        }

        await using var broker = ns is null && connection is null ? AmqpTestBroker.Start() : null;
        entity ??= "bench";
        var credential = ns is not null ? new DefaultAzureCredential() : null;
        ServiceBusPublisher NewPublisher() => (ns, connection, broker) switch
        {
            ({ } host, _, _) => ServiceBusPublisher.WithCredential(host, credential!),
            (_, { } text, _) => ServiceBusPublisher.FromConnectionString(text),
            _ => ServiceBusPublisher.FromConnectionString(broker!.ConnectionString),
        };

        var sequence = 0;
        var first = new List<double>();
        for (var r = 0; r < firsts; r++)
        {
            var watch = Stopwatch.StartNew();
            await using var fresh = NewPublisher();
            await fresh.Publish(entity, [Message(sequence++)]).ConfigureAwait(false);
            first.Add(watch.Elapsed.TotalMilliseconds);
        }

        await using var publisher = NewPublisher();
        for (var w = 0; w < Warmup; w++)
        {
            await publisher.Publish(entity, [Message(sequence++)]).ConfigureAwait(false);
        }

        var single = new List<double>();
        for (var s = 0; s < sends; s++)
        {
            var watch = Stopwatch.StartNew();
            await publisher.Publish(entity, [Message(sequence++)]).ConfigureAwait(false);
            single.Add(watch.Elapsed.TotalMilliseconds);
        }

        var batched = new List<double>();
        for (var b = 0; b < batches; b++)
        {
            var messages = Enumerable.Range(0, BatchSize).Select(_ => Message(sequence++)).ToList();
            var watch = Stopwatch.StartNew();
            await publisher.Publish(entity, messages).ConfigureAwait(false);
            batched.Add(watch.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{publisher.Describe}, entity '{entity}', {Environment.ProcessorCount} cores, message body {Body(0).ToMemory().Length} bytes"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first send in this process (JIT included: client, connection, SASL, CBS token, link, 1 message): {first[0]:F2} ms"));
        Console.WriteLine(Line($"first send of a new client in a warm process, {firsts - 1} runs", first[1..]));
        Console.WriteLine(Line($"steady state, 1 message per publish, {sends} publishes", single));
        Console.WriteLine(Line($"steady state, {BatchSize} messages per publish, {batches} publishes", batched)
            + string.Create(CultureInfo.InvariantCulture, $"; {BatchSize * 1000 / Median(batched):N0} messages/s"));
        if (broker is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"broker: {broker.Messages.Count:N0} messages in {broker.Transfers:N0} transfers, {broker.SenderAttaches.Count} sender links, {broker.Tokens.Count} CBS tokens"));
        }

        return 0;
    }

    /// <summary>About the size of an event notice: ids, a unit, a level, a rule and a short reason.</summary>
    private static BinaryData Body(int n) => BinaryData.FromString(string.Create(CultureInfo.InvariantCulture,
        $$"""{"event":"bench-{{n:D8}}","unit":"u-017","item":"task-0042/milestone-3","level":"notice","rule":"overdue-3","date":"2026-06-01","reason":"milestone 3 of task 42 is 12 working days overdue; two reminders went unanswered","recipients":["p-0101","p-0102","p-0240"]}"""));

    private static OutgoingMessage Message(int n) => new(
        string.Create(CultureInfo.InvariantCulture, $"bench-{n:D8}"),
        Body(n),
        new Dictionary<string, string> { ["Email"] = "true" });

    private static string Line(string what, List<double> milliseconds) => string.Create(CultureInfo.InvariantCulture,
        $"{what}: median {Median(milliseconds):F2} ms, p95 {Percentile(milliseconds, 0.95):F2} ms, min {milliseconds.Min():F2}, max {milliseconds.Max():F2}");

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        var rank = p * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }
}
