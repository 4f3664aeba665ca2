using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text;
using Escalation.Domain.Delivery;
using Escalation.Domain.Wording;
using Escalation.Functions.Local;
using NodaTime.Text;
using NodaTime;

namespace Escalation.Functions.Sending;

/// <summary>
/// Local mode's SMS: one JSON line per message appended to <c>{outbox}/sms.log</c>, Chinese unescaped so that
/// <c>tail -f</c> shows it: <c>{"at":"…Z","dispatchId":"…","events":["ev-…"],"to":"+86…","segments":1,"text":"【督查室】…"}</c>.
/// A delivery id already in the log is not appended again (a retry after a crash between sending and recording it in
/// the ledger). Writers in any number of processes take turns: each holds the file exclusively (an OS lock, released if
/// the process dies) while it reads what others appended and writes its new lines in one write, so lines are never torn,
/// interleaved or duplicated.
/// </summary>
public sealed class OutboxSmsSender : ISmsSender, IDisposable
{
    /// <summary>The log's file name in the outbox.</summary>
    public const string FileName = "sms.log";

    private static readonly JsonWriterOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Another process holds the log only while it appends a batch (milliseconds); a longer hold is a hung writer, and the
    // delivery is then retried later like any transient failure.
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    private readonly string _outbox;
    private readonly IClock _clock;
    private readonly SemaphoreSlim _gate = new(1, 1);

    // The delivery ids in the log up to _scanned bytes (the end of its last complete line).
    private readonly HashSet<string> _logged = new(StringComparer.Ordinal);
    private long _scanned;

    /// <summary>Appends to <c>{outbox}/sms.log</c>, creating the folder and the file with the first message.</summary>
    /// <param name="outbox">The outbox folder of local mode.</param>
    /// <param name="clock">Stamps each line's <c>at</c>.</param>
    public OutboxSmsSender(string outbox, IClock clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outbox);
        ArgumentNullException.ThrowIfNull(clock);
        _outbox = Path.GetFullPath(outbox);
        _clock = clock;
        LogFile = Path.Combine(_outbox, FileName);
    }

    /// <summary>The log file.</summary>
    public string LogFile { get; }

    public string Describe => $"发件箱 {LogFile}";

    /// <summary>
    /// Appends the messages whose delivery id the log does not hold yet, in one write. Every message gets
    /// <see cref="SendResult.Sent"/> (provider id <c>sms.log</c>), or all get <see cref="SendResult.Transient"/> when the
    /// log cannot be read or written.
    /// </summary>
    /// <param name="messages">The messages, each with its delivery id.</param>
    /// <param name="cancellationToken">Stops waiting for another send to finish.</param>
    public async Task<IReadOnlyList<SendResult>> Send(IReadOnlyList<SmsToSend> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return [];
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(_outbox);
            await using var log = await ExclusiveFile.Open(LogFile, LockWait, cancellationToken);
            await CatchUp(log, cancellationToken);

            var at = InstantPattern.ExtendedIso.Format(_clock.GetCurrentInstant());
            using var lines = new MemoryStream();
            // A crash in the middle of a write leaves a line without its end: start on a new line so it stays apart.
            if (log.Length > _scanned)
            {
                lines.WriteByte((byte)'\n');
            }

            var fresh = new HashSet<string>(StringComparer.Ordinal);
            foreach (var sms in messages)
            {
                if (!_logged.Contains(sms.DispatchId) && fresh.Add(sms.DispatchId))
                {
                    WriteLine(lines, sms, at);
                }
            }

            if (fresh.Count > 0)
            {
                log.Seek(0, SeekOrigin.End);
                await log.WriteAsync(lines.GetBuffer().AsMemory(0, (int)lines.Length), CancellationToken.None);
                log.Flush(flushToDisk: true);
                _logged.UnionWith(fresh);
                _scanned = log.Length;
            }

            return Enumerable.Repeat<SendResult>(new SendResult.Sent(FileName), messages.Count).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // What reached the file is found again by the next send's catch-up, so a retry does not write it twice.
            _scanned = 0;
            _logged.Clear();
            SendResult failure = new SendResult.Transient($"Cannot append to {LogFile}: {e.Message}");
            return Enumerable.Repeat(failure, messages.Count).ToList();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private static void WriteLine(MemoryStream lines, SmsToSend sms, string at)
    {
        using (var json = new Utf8JsonWriter(lines, LineOptions))
        {
            json.WriteStartObject();
            json.WriteString("at", at);
            json.WriteString("dispatchId", sms.DispatchId);
            json.WriteStartArray("events");
            foreach (var e in sms.Events)
            {
                json.WriteStringValue(e);
            }

            json.WriteEndArray();
            json.WriteString("to", sms.To);
            json.WriteNumber("segments", MessageWording.Segments(sms.Text));
            json.WriteString("text", sms.Text);
            json.WriteEndObject();
        }

        lines.WriteByte((byte)'\n');
    }

    /// <summary>
    /// Reads the delivery ids of the lines appended since the last look (all of them when the file got shorter: deleted
    /// or truncated by hand). Lines that are not JSON with a <c>dispatchId</c> (half a line after a crash) are passed over.
    /// </summary>
    private async Task CatchUp(FileStream log, CancellationToken cancellationToken)
    {
        if (log.Length < _scanned)
        {
            _logged.Clear();
            _scanned = 0;
        }

        if (log.Length == _scanned)
        {
            return;
        }

        log.Seek(_scanned, SeekOrigin.Begin);
        var rest = new byte[log.Length - _scanned];
        await log.ReadExactlyAsync(rest, cancellationToken);
        var end = Array.LastIndexOf(rest, (byte)'\n');
        var start = 0;
        while (start <= end)
        {
            var newline = Array.IndexOf(rest, (byte)'\n', start);
            if (DispatchIdOf(rest.AsSpan(start, newline - start)) is { } id)
            {
                _logged.Add(id);
            }

            start = newline + 1;
        }

        // A last line without its end is read too (the crash may have cut only the newline) but not counted as
        // scanned, so the next append starts on a new line.
        if (end + 1 < rest.Length && DispatchIdOf(rest.AsSpan(end + 1)) is { } last)
        {
            _logged.Add(last);
        }

        _scanned += end + 1;
    }

    private static string? DispatchIdOf(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("dispatchId", out var id)
                && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
