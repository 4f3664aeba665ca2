using System.Security.Cryptography;
using System.Text;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using MimeKit;
using NodaTime;

namespace Escalation.Functions.Sending;

/// <summary>
/// Local mode's email: each message is written to <c>{outbox}/email/{file name from the delivery id}.eml</c>, a file any
/// mail client opens. Sending a delivery again replaces its file, so the folder holds one file per delivery.
/// </summary>
public sealed class OutboxEmailSender : IEmailSender
{
    /// <summary>The sender address of local mode unless configured otherwise.</summary>
    public const string DefaultSenderAddress = "duchashi@escalation.localhost";

    /// <summary>The subfolder of the outbox that holds the emails.</summary>
    public const string Folder = "email";

    // Keeps file names well under the 255-byte limit of Linux file systems even when every kept character is CJK (3 bytes).
    private const int MaxReadableLength = 60;

    private readonly string _folder;
    private readonly IClock _clock;
    private readonly string _senderAddress;
    private readonly string _senderName;

    /// <summary>Writes into <c>{outbox}/email</c>, creating it when the first email is written.</summary>
    /// <param name="outbox">The outbox folder of local mode.</param>
    /// <param name="clock">Dates the messages.</param>
    /// <param name="senderAddress">The From address.</param>
    /// <param name="senderName">The From display name.</param>
    public OutboxEmailSender(string outbox, IClock clock, string senderAddress = DefaultSenderAddress, string senderName = MailMessages.DefaultSenderName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outbox);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentException.ThrowIfNullOrWhiteSpace(senderAddress);
        _folder = Path.GetFullPath(Path.Combine(outbox, Folder));
        _clock = clock;
        _senderAddress = senderAddress;
        _senderName = senderName;
    }

    public string Describe => $"发件箱 {_folder}";

    /// <summary>Writes the email; <see cref="SendResult.Sent"/> carries the file's path relative to the outbox (<c>email/….eml</c>).</summary>
    /// <param name="email">The rendered email.</param>
    /// <param name="cancellationToken">Stops the write; the file is then not there (or still the previous version).</param>
    public async Task<SendResult> Send(EmailToSend email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        MimeMessage message;
        try
        {
            message = MailMessages.Build(email, _senderAddress, _clock.GetCurrentInstant(), _senderName);
        }
        catch (ParseException)
        {
            return new SendResult.Rejected($"'{ContactAddress.Mask(email.To)}' is not a mailbox address.");
        }

        var name = FileName(email.DispatchId);
        var path = Path.Combine(_folder, name);
        // The temporary file sits next to the target (same volume, so the move is a rename) and does not end in .eml.
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(_folder);
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
            {
                await message.WriteToAsync(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, stream, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
            return new SendResult.Sent($"{Folder}/{name}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            return new SendResult.Transient($"发件箱无法写入 {Folder}/{name}（{e.Message}）：请确认发件箱 {Path.GetDirectoryName(_folder)} 是可写的文件夹（不是文件），再运行同一命令补发。");
        }
        catch (OperationCanceledException)
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// A file name for a delivery that is valid on Windows and Linux: letters, digits, <c>-</c> and <c>_</c> are kept (up
    /// to 60 of them), anything else becomes <c>_</c>, and a short hash of the whole id keeps two ids that differ only
    /// there apart. <c>ev-0123:Email:jtj-wang</c> → <c>ev-0123_Email_jtj-wang-1a2b3c4d.eml</c>.
    /// </summary>
    /// <param name="dispatchId">The ledger's delivery id.</param>
    public static string FileName(string dispatchId)
    {
        ArgumentNullException.ThrowIfNull(dispatchId);
        var readable = new StringBuilder(Math.Min(dispatchId.Length, MaxReadableLength));
        foreach (var c in dispatchId.AsSpan(0, Math.Min(dispatchId.Length, MaxReadableLength)))
        {
            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c > 127 && char.IsLetterOrDigit(c)) ? c : '_');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dispatchId)).AsSpan(0, 4));
        // With the hash after '-' and no other dot, the name is never a reserved device name (CON, NUL.txt…) nor ends with a dot.
        return $"{readable}-{hash}.eml";
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover .tmp file is harmless: nothing reads it, and the next write of the delivery uses a new one.
        }
    }
}
