using System.Text;
using System.Text.Json;

namespace Escalation.Functions.Local;

/// <summary>
/// A local outbox log of one JSON line per message (<c>sms-gateway.log</c>, <c>wecom.log</c>, <c>dingtalk.log</c>), each
/// line carrying its message's <c>dispatchId</c>. Runs in several processes may share one outbox: the file is held
/// exclusively (an OS lock, released if the process dies) while it is read and appended, so a message is never written
/// twice and lines are never torn.
/// </summary>
internal static class OutboxLog
{
    /// <summary>How long a writer waits for another process holding the log.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Appends <paramref name="line"/> (one JSON object, no line break) unless a line of <paramref name="dispatchId"/> is
    /// already there; true when it wrote it.
    /// </summary>
    /// <exception cref="IOException">The file could not be written, or stayed locked longer than <see cref="LockWait"/>.</exception>
    public static async Task<bool> AppendOnce(string path, string dispatchId, string line, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var log = await ExclusiveFile.Open(path, LockWait, cancellationToken).ConfigureAwait(false);
        await using (log.ConfigureAwait(false))
        {
            var existing = new byte[log.Length];
            await log.ReadExactlyAsync(existing, cancellationToken).ConfigureAwait(false);
            if (Holds(Encoding.UTF8.GetString(existing), dispatchId))
            {
                return false;
            }

            // A crash in the middle of a write leaves a line without its end: start on a new line so it stays apart.
            var text = (existing.Length > 0 && existing[^1] != (byte)'\n' ? "\n" : "") + line + "\n";
            log.Seek(0, SeekOrigin.End);
            await log.WriteAsync(Encoding.UTF8.GetBytes(text), CancellationToken.None).ConfigureAwait(false);
            log.Flush(flushToDisk: true);
            return true;
        }
    }

    /// <summary>Whether the log at <paramref name="path"/> holds a line of <paramref name="dispatchId"/>.</summary>
    public static async Task<bool> Contains(string path, string dispatchId, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        var log = await ExclusiveFile.Open(path, LockWait, cancellationToken).ConfigureAwait(false);
        await using (log.ConfigureAwait(false))
        {
            var existing = new byte[log.Length];
            await log.ReadExactlyAsync(existing, cancellationToken).ConfigureAwait(false);
            return Holds(Encoding.UTF8.GetString(existing), dispatchId);
        }
    }

    private static bool Holds(string text, string dispatchId) =>
        text.Split('\n').Any(l => DispatchIdOf(l) == dispatchId);

    /// <summary>The <c>dispatchId</c> of one line; null for a torn or foreign line.</summary>
    public static string? DispatchIdOf(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("dispatchId", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
