using System.Globalization;
using System.Text;
using Escalation.Functions.Sending;
using MimeKit;

namespace Escalation.Functions.Tests.Sending;

/// <summary>
/// The SMTP sink started by ./test.sh (tools/smtp-sink.js): its address in ESCALATION_TEST_SMTP (<c>host:port</c>) and
/// the folder it writes received messages to in ESCALATION_TEST_SMTP_DIR. Tests share it and find their own message
/// by its delivery id.
/// </summary>
internal static class SmtpSink
{
    public const string AddressVariable = "ESCALATION_TEST_SMTP";
    public const string FolderVariable = "ESCALATION_TEST_SMTP_DIR";

    public static SmtpOptions Options(
        string sender = "duchashi@example.gov.cn", SmtpSecurity security = SmtpSecurity.None, string? user = null, string? password = null, bool allowPlainTextAuth = false)
    {
        var address = Required(AddressVariable);
        var colon = address.LastIndexOf(':');
        return new SmtpOptions
        {
            Host = address[..colon],
            Port = int.Parse(address[(colon + 1)..], CultureInfo.InvariantCulture),
            Security = security,
            User = user,
            Password = password,
            AllowPlainTextAuth = allowPlainTextAuth,
            SenderAddress = sender,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    /// <summary>The message the sink received for the delivery, waiting up to 10 seconds for it.</summary>
    public static async Task<MimeMessage> Received(string dispatchId)
    {
        var folder = Required(FolderVariable);
        var marker = $"{MailMessages.DeliveryHeader}: {dispatchId}\r\n";
        for (var waited = 0; waited < 10_000; waited += 100)
        {
            if (Find(folder, marker) is { } file)
            {
                return await MimeMessage.LoadAsync(file);
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"The sink in {folder} received no message for delivery {dispatchId} within 10 s.");
    }

    /// <summary>
    /// The one message the sink received for <paramref name="person"/> carrying <paramref name="eventId"/> (a message
    /// carries every event due to a person that day at one level), waiting up to 10 seconds for it.
    /// </summary>
    public static async Task<MimeMessage> ReceivedCarrying(string eventId, string person)
    {
        var folder = Required(FolderVariable);
        var marker = $"{MailMessages.DeliveryHeader}: Email:{person}:";
        for (var waited = 0; waited < 10_000; waited += 100)
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.eml"))
            {
                var text = File.ReadAllText(file, Encoding.UTF8);
                if (text.Contains(marker, StringComparison.Ordinal) && text.Contains(eventId, StringComparison.Ordinal))
                {
                    return await MimeMessage.LoadAsync(file);
                }
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"The sink in {folder} received no message to {person} carrying {eventId} within 10 s.");
    }

    /// <summary>True when a message for the delivery reached the sink (checked after the sender's answer, so no wait).</summary>
    public static bool HasReceived(string dispatchId) => Find(Required(FolderVariable), $"{MailMessages.DeliveryHeader}: {dispatchId}\r\n") is not null;

    /// <summary>The password the sink accepts; any other gets 535.</summary>
    public const string Password = "sink-password";

    /// <summary>
    /// The sink's record of the user's AUTH attempts, one line each (<c>PLAIN accepted</c>, <c>LOGIN refused</c>), empty
    /// when the user never tried; the sink writes it before answering, so it is complete once the sender has its answer.
    /// </summary>
    public static IReadOnlyList<string> AuthAttempts(string user)
    {
        var file = Path.Combine(Required(FolderVariable), "auth", Uri.EscapeDataString(user));
        return File.Exists(file) ? File.ReadAllLines(file) : [];
    }

    private static string? Find(string folder, string marker) =>
        Directory.EnumerateFiles(folder, "*.eml").FirstOrDefault(f => File.ReadAllText(f, Encoding.UTF8).Contains(marker, StringComparison.Ordinal));

    private static string Required(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(value))
        {
            // Not a skip: the sender must be proven against a real SMTP conversation.
            throw new InvalidOperationException(
                $"{variable} is not set. Run ./test.sh, which installs smtp-server (npm ci) and starts tools/smtp-sink.js, or start it yourself " +
                $"(node tools/smtp-sink.js PORT DIR) and set {AddressVariable}=127.0.0.1:PORT and {FolderVariable}=DIR.");
        }

        return value;
    }
}
