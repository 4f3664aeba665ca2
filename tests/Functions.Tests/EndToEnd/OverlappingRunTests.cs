using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text;
using Escalation.Domain.Delivery;
using Escalation.Domain.Rules;
using Escalation.Functions.Commands;
using Escalation.Functions.Local;
using Escalation.Functions.Sending;
using Escalation.Functions.Sending.China;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Import;
using Escalation.Functions.Tests.Pipeline;
using Microsoft.Data.Sqlite;
using NodaTime.Testing;
using NodaTime;

namespace Escalation.Functions.Tests.EndToEnd;

/// <summary>The samples imported once into a store that each test copies (a copy is a store no process has opened).</summary>
public sealed class SeededStore : IDisposable
{
    private readonly TempFolder _folder = new();

    public SeededStore()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 1, 1, 0, 0));
        var code = Cli.Run(["import", Repo.Samples, "--store", _folder["store"]], TextWriter.Null, TextWriter.Null, _ => null, clock);
        if (code != Cli.Ok)
        {
            throw new InvalidOperationException($"Importing the samples exited {code}.");
        }

        // Closing the last connection folds the write-ahead log into the database file.
        SqliteConnection.ClearAllPools();
    }

    public string Folder => _folder["store"];

    public void Dispose() => _folder.Dispose();
}

/// <summary>
/// Overlapping runs as they happen: real <c>Escalation.Functions</c> processes (the built binary, as cron or an admin
/// starts it) on one store at the same moment, each delivering to the outbox. Every (event, recipient, channel) is sent
/// once, in one message per person (or robot), channel and level: each message's .eml file, sms.log line or
/// dingtalk.log / wecom.log line once, every line whole JSON, every message and every ledger row sent at the first
/// attempt. The runs are as of Wednesday 2026-07-01 10:00 Shanghai (<c>--at</c>), inside the sending window, where the
/// samples raise 31 events, 26 of the units' tasks and 5 of the indicators (I3's summons and I6's notice to fgw about
/// 固定资产投资增速, I5's reminder and I2's notice to swuj, I8's summons of town-sm): 138 deliveries in 42 messages
/// (LagGapForHeads keeps principals off the reminders for small gaps): 23 emails carrying 78 email deliveries, 17 SMS
/// carrying 48 SMS deliveries, and 2 posts to the office's DingTalk group (samples/robots.csv) carrying 12 robot
/// deliveries (the day's R5 notice and 11 R6 summonses, the office being copied on both rules; the indicator rules post to
/// no robot); no zjj item is raised, so no WeCom post.
/// </summary>
public sealed class OverlappingRunTests(SeededStore seeded) : IClassFixture<SeededStore>, IDisposable
{
    private const string At = "2026-07-01T10:00";
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(3);

    private readonly TempFolder _files = new();

    [Fact]
    public async Task Run_SendsEachDeliveryOnce_WhenThreeRunsOnOneStoreStartTogether()
    {
        var store = _files.CopyOf(seeded.Folder, "store");
        var outbox = _files["outbox"];

        var runs = Enumerable.Range(0, 3).Select(_ => CommandProcess.Start(["run", "--store", store, "--outbox", outbox, "--at", At])).ToList();
        var results = await Task.WhenAll(runs.Select(r => r.Finish(ProcessTimeout)));
        var ledger = Ledger(store);
        var sent = ledger.Where(d => d.Status == DeliveryStatus.Sent).ToList();
        var messages = Dispatches(store);

        Assert.All(results, r => Assert.True(r.Code == Cli.Ok, r.Stderr));
        Assert.Equal((126, 12), (sent.Count(d => !ChannelCatalog.IsRobot(d.Channel)), sent.Count(d => ChannelCatalog.IsRobot(d.Channel))));
        var indicatorEvents = IndicatorEvents(store);
        Assert.Equal((5, 13), (indicatorEvents.Count, sent.Count(d => indicatorEvents.Contains(d.Event.Value))));
        Assert.All(sent, d => Assert.Equal(1, d.Attempts));
        Assert.Equal(42, messages.Count);
        Assert.All(messages, m => Assert.Equal((DispatchStatus.Sent, 1, 1), (m.Status, m.Attempts, m.Key.Sequence)));
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger, [.. messages.Select(Carried)]);
        Assert.Equal(2, results.Count(r => MessagesSent(r.Stderr) == 0));
        Assert.Equal(42, results.Sum(r => MessagesSent(r.Stderr)));
        Assert.Equal(EmailFileNames(messages), EmailFiles(outbox));
        Assert.Equal(messages.Where(m => m.Key.Channel == Channel.Sms).Select(m => m.Key.Id).Order(), SmsLogIds(outbox).Order());
        AssertRobotLogsHold(messages, outbox);
    }

    // Three stores holding the same data (so the same dispatch ids) and one outbox: three processes append to one sms.log
    // at once, each holding its own store's lock. The log's own lock keeps every line whole and each message in it once.
    // The processes' appends rarely meet within microseconds, so this end-to-end check seldom catches a sender without
    // that lock; OutboxSmsSenderTests' senders starting together on one log catch it every time.
    [Fact]
    public async Task Run_WritesEverySmsLineWholeAndOnce_WhenRunsOnThreeStoresAppendToOneOutbox()
    {
        var stores = Enumerable.Range(0, 3).Select(i => _files.CopyOf(seeded.Folder, $"store{i}")).ToList();
        var outbox = _files["outbox"];

        var runs = stores.Select(s => CommandProcess.Start(["run", "--store", s, "--outbox", outbox, "--at", At])).ToList();
        var results = await Task.WhenAll(runs.Select(r => r.Finish(ProcessTimeout)));
        var smsIds = stores.SelectMany(Dispatches).Where(m => m.Key.Channel == Channel.Sms && m.Status == DispatchStatus.Sent).Select(m => m.Key.Id).ToHashSet();

        Assert.All(results, r => Assert.True(r.Code == Cli.Ok, r.Stderr));
        Assert.All(results, r => Assert.Equal(42, MessagesSent(r.Stderr)));
        Assert.All(stores, s => Assert.Equal(48, Ledger(s).Count(d => d.Channel == Channel.Sms && d.Status == DeliveryStatus.Sent)));
        Assert.Equal(17, smsIds.Count);
        Assert.Equal(smsIds.Order(), SmsLogIds(outbox).Order());
        Assert.Equal(23, EmailFiles(outbox).Count);
        // The robots' logs likewise: each store posted the same 2 DingTalk messages; each is in dingtalk.log once, whole.
        Assert.All(stores, s => AssertRobotLogsHold(Dispatches(s), outbox));
        Assert.Equal(2, RobotLogIds(outbox).Count);
    }

    [Fact]
    public async Task Run_RefusesNamingTheHolder_WhenAnotherRunHoldsTheStorePastTheWait()
    {
        var store = _files.CopyOf(seeded.Folder, "store");
        using var tarpit = new Tarpit();
        using var holder = CommandProcess.Start(["run", "--store", store, "--outbox", _files["outbox"], "--at", At], tarpit.Settings);
        await HolderRecorded(store, holder.Id);

        var refused = await CommandProcess.Start(["run", "--store", store, "--lock-wait", "1"]).Finish(ProcessTimeout);

        Assert.Equal(Cli.DataError, refused.Code);
        Assert.Contains($"未运行：本地存储 {store} 正被另一个运行使用（进程 {holder.Id}，命令 run，自 ", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("等了 1 秒仍未释放", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("--lock-wait", refused.Stderr, StringComparison.Ordinal);
        Assert.False(holder.HasExited);
    }

    // The holder hangs on an SMTP server that never answers, holding the store (and maybe a claimed delivery); a second
    // run waits for it. Killing the holder releases the lock at once (the system drops it with the process): the waiter
    // goes on and delivers everything the killed run left, a claimed delivery included (no lease on a locked store).
    [Fact]
    public async Task Run_TakesTheStoreAndDeliversWhatWasLeft_WhenTheRunHoldingItIsKilled()
    {
        var store = _files.CopyOf(seeded.Folder, "store");
        var outbox = _files["outbox"];
        using var tarpit = new Tarpit();
        using var holder = CommandProcess.Start(["run", "--store", store, "--outbox", outbox, "--at", At], tarpit.Settings);
        await HolderRecorded(store, holder.Id);
        using var waiter = CommandProcess.Start(["run", "--store", store, "--outbox", outbox, "--at", "2026-07-01T10:05", "--lock-wait", "600"]);
        await waiter.StderrContains("最多 600 秒", ProcessTimeout);

        var killedAt = Stopwatch.StartNew();
        holder.Kill();
        var result = await waiter.Finish(ProcessTimeout);
        var ledger = Ledger(store);
        var messages = Dispatches(store);

        Assert.True(result.Code == Cli.Ok, result.Stderr);
        Assert.InRange(killedAt.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(60));
        Assert.Contains($"（进程 {holder.Id}，命令 run，自 ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(138, ledger.Count(d => d.Status == DeliveryStatus.Sent));
        Assert.DoesNotContain(ledger, d => d.Status is DeliveryStatus.Pending or DeliveryStatus.Deferred);
        Assert.Equal(42, messages.Count);
        Assert.All(messages, m => Assert.Equal((DispatchStatus.Sent, 1), (m.Status, m.Key.Sequence)));
        SentMessages.AssertEachSentDeliveryCarriedOnce(ledger, [.. messages.Select(Carried)]);
        Assert.Equal(EmailFileNames(messages), EmailFiles(outbox));
        Assert.Equal(17, SmsLogIds(outbox).Count);
        AssertRobotLogsHold(messages, outbox);
    }

    public void Dispose() => _files.Dispose();

    private static int MessagesSent(string stderr) =>
        Regex.Match(stderr, @"发出消息 (\d+) 条") is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;

    /// <summary>The dispatch id of every sms.log line, in order; a line that is not whole JSON fails the test.</summary>
    private static List<string> SmsLogIds(string outbox)
    {
        var ids = new List<string>();
        foreach (var line in File.ReadAllLines(Path.Combine(outbox, OutboxSmsSender.FileName), Encoding.UTF8))
        {
            using var json = JsonDocument.Parse(line);
            ids.Add(json.RootElement.GetProperty("dispatchId").GetString()!);
        }

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        return ids;
    }

    /// <summary>The dispatch id of every wecom.log and dingtalk.log line; a line that is not whole JSON, or a post written twice, fails the test.</summary>
    private static List<string> RobotLogIds(string outbox)
    {
        var ids = new[] { Channel.WeCom, Channel.DingTalk }
            .SelectMany(c => SentMessages.RobotLog(Path.Combine(outbox, RobotChannel.FileNameOf(c))))
            .Select(m => m.DispatchId)
            .ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        return ids;
    }

    /// <summary>The robot messages recorded Sent are exactly the robot logs' lines, each with the events it carried.</summary>
    private static void AssertRobotLogsHold(IEnumerable<Dispatch> messages, string outbox)
    {
        var posts = new[] { Channel.WeCom, Channel.DingTalk }
            .SelectMany(c => SentMessages.RobotLog(Path.Combine(outbox, RobotChannel.FileNameOf(c))))
            .ToList();
        Assert.Equal(posts.Count, RobotLogIds(outbox).Count);
        Assert.Equal(
            messages.Where(m => ChannelCatalog.IsRobot(m.Key.Channel) && m.Status == DispatchStatus.Sent).Select(m => (m.Key.Id, string.Join(',', m.Items.Select(i => i.Event.Value).Order(StringComparer.Ordinal)))).Order(),
            posts.Select(p => (p.DispatchId, string.Join(',', p.Events.Order(StringComparer.Ordinal)))).Order());
    }

    private static List<Delivery> Ledger(string store)
    {
        var tables = SqliteTables.Open(store, new FakeClock(Instant.FromUtc(2026, 7, 1, 3, 0)));
        var table = tables.Table(DeliveryLedger.TableName).GetAwaiter().GetResult();
        return [.. table.Query(EntityQuery.WholeTable()).ToBlockingEnumerable().Select(DeliveryLedger.FromEntity)];
    }

    /// <summary>The ids of the indicators' events in the store's escalation log (their item is <c>ind:{indicator}</c>).</summary>
    private static HashSet<string> IndicatorEvents(string store)
    {
        var tables = SqliteTables.Open(store, new FakeClock(Instant.FromUtc(2026, 7, 1, 3, 0)));
        var table = tables.Table(EscalationLog.TableName).GetAwaiter().GetResult();
        return [.. table.Query(EntityQuery.WholeTable()).ToBlockingEnumerable().Select(EscalationLog.FromEntity)
            .Where(e => Domain.Indicators.IndicatorItem.Is(e.Event.Item)).Select(e => e.Event.Id.Value)];
    }

    /// <summary>Every message in the store.</summary>
    private static List<Dispatch> Dispatches(string store)
    {
        var tables = SqliteTables.Open(store, new FakeClock(Instant.FromUtc(2026, 7, 1, 3, 0)));
        var table = tables.Table(DispatchStore.TableName).GetAwaiter().GetResult();
        return [.. table.Query(EntityQuery.WholeTable()).ToBlockingEnumerable().Select(DispatchStore.FromEntity)];
    }

    /// <summary>A message recorded Sent, as what it carried.</summary>
    private static SentMessage Carried(Dispatch m) => new(m.Key.Id, [.. m.Items.Select(i => i.Event.Value)]);

    /// <summary>The outbox's .eml file names the email messages must have been written to, in order.</summary>
    private static List<string> EmailFileNames(IEnumerable<Dispatch> messages) =>
        [.. messages.Where(m => m.Key.Channel == Channel.Email).Select(m => OutboxEmailSender.FileName(m.Key.Id)).Order(StringComparer.Ordinal)];

    private static List<string> EmailFiles(string outbox) =>
        [.. Directory.GetFiles(Path.Combine(outbox, OutboxEmailSender.Folder), "*.eml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    /// <summary>Waits until the process has taken the store (it records itself right after locking).</summary>
    private static async Task HolderRecorded(string store, int processId)
    {
        var watch = Stopwatch.StartNew();
        while (StoreLock.Holder(store)?.ProcessId != processId)
        {
            Assert.True(watch.Elapsed < ProcessTimeout, $"Process {processId} did not take the store {store}.");
            await Task.Delay(50);
        }
    }

    /// <summary>An SMTP "server" that accepts connections (the kernel does, from the backlog) and never greets: a send hangs.</summary>
    private sealed class Tarpit : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public Tarpit() => _listener.Start();

        public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
        {
            [EngineSettings.SmtpHostKey] = "127.0.0.1",
            [EngineSettings.SmtpPortKey] = ((IPEndPoint)_listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [EngineSettings.SmtpSecurityKey] = "none",
        };

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>The built command line (<c>dotnet Escalation.Functions.dll</c>) as a child process, its output collected.</summary>
    private sealed class CommandProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stderr = new();
        private readonly StringBuilder _stdout = new();

        private CommandProcess(Process process) => _process = process;

        public int Id => _process.Id;

        public bool HasExited => _process.HasExited;

        public static CommandProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? settings = null)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Escalation.Functions.dll"));
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            // Only the settings the test gives: none inherited from the machine running the tests.
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Escalation__", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(key);
            }

            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                start.Environment[key] = value;
            }

            var process = new CommandProcess(Process.Start(start)!);
            process._process.OutputDataReceived += (_, e) => Append(process._stdout, e.Data);
            process._process.ErrorDataReceived += (_, e) => Append(process._stderr, e.Data);
            process._process.BeginOutputReadLine();
            process._process.BeginErrorReadLine();
            return process;
        }

        public async Task<(int Code, string Stdout, string Stderr)> Finish(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
                throw new TimeoutException($"Process {Id} did not end within {timeout}: {Text(_stderr)}");
            }

            // The parameterless wait also waits for the redirected output to be read to its end.
            _process.WaitForExit();
            return (_process.ExitCode, Text(_stdout), Text(_stderr));
        }

        public async Task StderrContains(string text, TimeSpan timeout)
        {
            var watch = Stopwatch.StartNew();
            while (!Text(_stderr).Contains(text, StringComparison.Ordinal))
            {
                Assert.True(watch.Elapsed < timeout && !_process.HasExited, $"Process {Id} did not write '{text}': {Text(_stderr)}");
                await Task.Delay(50);
            }
        }

        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }

        private static string Text(StringBuilder buffer)
        {
            lock (buffer)
            {
                return buffer.ToString();
            }
        }

        private static void Append(StringBuilder buffer, string? line)
        {
            if (line is not null)
            {
                lock (buffer)
                {
                    buffer.AppendLine(line);
                }
            }
        }
    }
}
