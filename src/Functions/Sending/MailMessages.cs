using System.Security.Cryptography;
using System.Text;
using MimeKit;
using NodaTime;

namespace Escalation.Functions.Sending;

/// <summary>
/// Builds the MIME message every email sender writes or sends, so the outbox's <c>.eml</c> files and what an SMTP
/// server receives are the same message.
/// </summary>
public static class MailMessages
{
    /// <summary>The sender's display name unless configured otherwise (the supervision office).</summary>
    public const string DefaultSenderName = "督查室";

    /// <summary>The header that carries the ledger's delivery id, to trace a received mail back to its delivery.</summary>
    public const string DeliveryHeader = "X-Escalation-Dispatch";

    /// <summary>The ids of the events the message carries, comma-separated (event ids are ASCII).</summary>
    public const string EventsHeader = "X-Escalation-Events";

    /// <summary>
    /// The message for <paramref name="email"/>: From the sender, To the recipient with display name, UTF-8 subject,
    /// <c>multipart/alternative</c> with a plain-text and an HTML part (inside <c>multipart/mixed</c> with the attachments, when
    /// there are any), and a <c>Message-Id</c> that depends only on the
    /// delivery id and the sender's domain, so sending the same delivery again produces the same id.
    /// </summary>
    /// <param name="email">The rendered email.</param>
    /// <param name="senderAddress">The sender's mailbox, <c>local@domain</c>; its domain ends the Message-Id.</param>
    /// <param name="sentAt">The <c>Date</c> header.</param>
    /// <param name="senderName">The sender's display name.</param>
    /// <exception cref="ParseException">The recipient is not a mailbox with a domain (or an address does not parse).</exception>
    public static MimeMessage Build(EmailToSend email, string senderAddress, Instant sentAt, string senderName = DefaultSenderName)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentException.ThrowIfNullOrWhiteSpace(senderAddress);
        var from = new MailboxAddress(Encoding.UTF8, email.FromName ?? senderName, senderAddress);
        var message = new MimeMessage();
        message.From.Add(from);
        var to = new MailboxAddress(Encoding.UTF8, email.ToName, email.To);
        if (string.IsNullOrEmpty(to.Domain))
        {
            // MimeKit accepts an empty address (<>) and a bare local part; neither reaches anyone.
            throw new ParseException("The recipient address has no domain.", 0, 0);
        }

        message.To.Add(to);
        message.Headers.Replace(HeaderId.Subject, Encoding.UTF8, email.Subject);
        message.Date = sentAt.ToDateTimeOffset();
        message.MessageId = MessageId(email.DispatchId, from.Domain);
        message.Headers.Add(DeliveryHeader, Encoding.UTF8, email.DispatchId);
        if (email.Events.Count > 0)
        {
            message.Headers.Add(EventsHeader, Encoding.ASCII, string.Join(", ", email.Events));
        }

        // RFC 3834: tells mail servers and clients not to answer with vacation notices and the like.
        message.Headers.Add("Auto-Submitted", "auto-generated");

        var plain = new TextPart(MimeKit.Text.TextFormat.Plain);
        plain.SetText(Encoding.UTF8, email.PlainText);
        var html = new TextPart(MimeKit.Text.TextFormat.Html);
        html.SetText(Encoding.UTF8, email.Html);
        var alternative = new MultipartAlternative { plain, html };
        if (email.Attachments.Count == 0)
        {
            message.Body = alternative;
        }
        else
        {
            // multipart/mixed: the text first, then each file (base64, its name in RFC 2231 UTF-8 for Chinese names).
            var mixed = new Multipart("mixed") { alternative };
            foreach (var attachment in email.Attachments)
            {
                var part = new MimePart(ContentType.Parse(attachment.ContentType))
                {
                    Content = new MimeContent(new MemoryStream(attachment.Content.ToArray())),
                    ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                    ContentTransferEncoding = ContentEncoding.Base64,
                    FileName = attachment.Name,
                };
                mixed.Add(part);
            }

            message.Body = mixed;
        }

        // 8bit keeps the Chinese of the bodies readable in the .eml itself; parts with lines too long for 8bit (998
        // octets) get quoted-printable or base64 instead. An SMTP server without 8BITMIME makes MailKit re-encode.
        message.Prepare(EncodingConstraint.EightBit, 998);
        return message;
    }

    /// <summary>
    /// The Message-Id (without angle brackets) of a delivery: a hash of the delivery id, because delivery ids may hold
    /// characters a Message-Id cannot (<c>:</c>, CJK person ids); <see cref="DeliveryHeader"/> carries the readable id.
    /// </summary>
    /// <param name="dispatchId">The ledger's delivery id.</param>
    /// <param name="domain">The domain after the <c>@</c>, normally the sender's.</param>
    public static string MessageId(string dispatchId, string domain)
    {
        ArgumentNullException.ThrowIfNull(dispatchId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(dispatchId));
        return $"{Convert.ToHexStringLower(hash.AsSpan(0, 16))}.escalation@{(string.IsNullOrEmpty(domain) ? "localhost" : domain)}";
    }
}
