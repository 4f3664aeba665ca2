using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using MailKit.Net.Smtp;
using MailKit.Security;
using MailKit;
using MimeKit;
using NodaTime;

namespace Escalation.Functions.Sending;

/// <summary>How the connection to the SMTP server is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain text (a relay inside the network, a test server).</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS, which the server must offer (usually port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    SslOnConnect,

    /// <summary>
    /// TLS from the first byte on port 465, otherwise STARTTLS when the server offers it and plain text when not. A
    /// password still goes only over TLS (see <see cref="SmtpOptions.AllowPlainTextAuth"/>): a server, or someone in
    /// between who strips STARTTLS from its answer, cannot get it in clear.
    /// </summary>
    Auto,
}

/// <summary>Where and as whom <see cref="SmtpEmailSender"/> sends. A class, not a record, so the password never shows in a <c>ToString()</c>.</summary>
public sealed class SmtpOptions
{
    /// <summary>The server's host name or address.</summary>
    public required string Host { get; init; }

    /// <summary>The server's port (25, 465, 587…).</summary>
    public required int Port { get; init; }

    /// <summary>How the connection is secured.</summary>
    public SmtpSecurity Security { get; init; } = SmtpSecurity.Auto;

    /// <summary>The user to authenticate as; no authentication when null or empty.</summary>
    public string? User { get; init; }

    /// <summary>The user's password.</summary>
    public string? Password { get; init; }

    /// <summary>
    /// Authenticate even on a connection without TLS, sending the password in clear. Off by default: then a server that
    /// offers no TLS gets no password, and each send fails (transiently) with a message saying why and how to fix it.
    /// </summary>
    public bool AllowPlainTextAuth { get; init; }

    /// <summary>The From address (<c>local@domain</c>); its domain also ends every Message-Id.</summary>
    public required string SenderAddress { get; init; }

    /// <summary>The From display name.</summary>
    public string SenderName { get; init; } = MailMessages.DefaultSenderName;

    /// <summary>How long one network operation (connect, a command, the message data) may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads the setting words <c>none</c>, <c>starttls</c>, <c>ssl-on-connect</c> and <c>auto</c> (any case).</summary>
    /// <param name="text">The setting's value.</param>
    /// <param name="security">The security it names, or <see cref="SmtpSecurity.Auto"/> when it names none.</param>
    public static bool TryParseSecurity(string? text, out SmtpSecurity security)
    {
        SmtpSecurity? parsed = text?.Trim().ToUpperInvariant() switch
        {
            "NONE" => SmtpSecurity.None,
            "STARTTLS" => SmtpSecurity.StartTls,
            "SSL-ON-CONNECT" => SmtpSecurity.SslOnConnect,
            "AUTO" => SmtpSecurity.Auto,
            _ => null,
        };
        security = parsed ?? SmtpSecurity.Auto;
        return parsed is not null;
    }
}

/// <summary>
/// Sends through an SMTP server with MailKit. One connection is kept and reused while the server keeps it open; sends
/// are serialized on it. Outcomes: accepted → <see cref="SendResult.Sent"/> with the Message-Id; a 5xx answer to the
/// recipient or the message → <see cref="SendResult.Rejected"/>; 4xx answers, connection and TLS failures, timeouts,
/// and also refused credentials or sender, or a server without TLS when there is a password to send (a configuration to
/// fix, after which the same mail goes through) → <see cref="SendResult.Transient"/>. Errors never hold the recipient's address, only its masked form.
/// </summary>
public sealed partial class SmtpEmailSender : IEmailSender, IDisposable, IAsyncDisposable
{
    private readonly SmtpOptions _options;
    private readonly IClock _clock;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SmtpClient? _client;

    /// <summary>A sender for the server in <paramref name="options"/>; it connects with the first send.</summary>
    /// <param name="options">Server, security, credentials and sender.</param>
    /// <param name="clock">Dates the messages.</param>
    public SmtpEmailSender(SmtpOptions options, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Host);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.SenderAddress);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero);
        _options = options;
        _clock = clock;
    }

    public string Describe => $"SMTP {_options.Host}:{_options.Port.ToString(CultureInfo.InvariantCulture)} ({Word(_options.Security)})";

    /// <summary>Sends one email over the kept connection, connecting (and authenticating) first when there is none.</summary>
    /// <param name="email">The rendered email.</param>
    /// <param name="cancellationToken">Stops waiting and sending; the connection is then dropped, as its state is unknown.</param>
    public async Task<SendResult> Send(EmailToSend email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        var recipient = ContactAddress.Mask(email.To);
        MimeMessage message;
        try
        {
            message = MailMessages.Build(email, _options.SenderAddress, _clock.GetCurrentInstant(), _options.SenderName);
        }
        catch (ParseException)
        {
            return new SendResult.Rejected($"'{recipient}' is not a mailbox address.");
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var (client, refusal) = await Connected(cancellationToken);
            if (client is null)
            {
                return new SendResult.Transient(refusal!);
            }

            await client.SendAsync(message, cancellationToken);
            return new SendResult.Sent(message.MessageId);
        }
        catch (SmtpCommandException e)
        {
            // The server answered, so the conversation is intact: MailKit has reset the transaction and the connection
            // serves the next mail. A failure while connecting leaves no connection to keep.
            if (_client is { IsConnected: false })
            {
                Drop();
            }

            var said = $"{((int)e.StatusCode).ToString(CultureInfo.InvariantCulture)} {Scrub(e.Message, email.To)}";
            var permanent = (int)e.StatusCode >= 500;
            return e.ErrorCode switch
            {
                SmtpErrorCode.RecipientNotAccepted when permanent => new SendResult.Rejected($"{Describe} refused the recipient {recipient}: {said}"),
                SmtpErrorCode.MessageNotAccepted when permanent => new SendResult.Rejected($"{Describe} refused the message to {recipient}: {said}"),
                SmtpErrorCode.RecipientNotAccepted => new SendResult.Transient($"{Describe} deferred the recipient {recipient}: {said}"),
                SmtpErrorCode.MessageNotAccepted => new SendResult.Transient($"{Describe} deferred the message to {recipient}: {said}"),
                SmtpErrorCode.SenderNotAccepted => new SendResult.Transient($"{Describe} refused the sender {_options.SenderAddress}: {said}"),
                _ => new SendResult.Transient($"{Describe} answered {said}"),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Drop();
            throw;
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or OperationCanceledException
            or SmtpProtocolException or AuthenticationException or SslHandshakeException or ServiceNotConnectedException or NotSupportedException)
        {
            // OperationCanceledException here is MailKit's own timeout, not the caller's token.
            Drop();
            return new SendResult.Transient($"{Describe}: {Kind(e)}: {Scrub(e.Message, email.To)}");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the connection without saying goodbye to the server.</summary>
    public void Dispose()
    {
        Drop();
        _gate.Dispose();
    }

    /// <summary>Says QUIT to the server when still connected (best effort), then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_client is { IsConnected: true } client)
        {
            try
            {
                await client.DisconnectAsync(quit: true);
            }
            catch (Exception e) when (e is IOException or SocketException or TimeoutException or SmtpProtocolException or SmtpCommandException)
            {
                // The connection is going away anyway.
            }
        }

        Dispose();
    }

    /// <summary>The kept connection, or a new one, authenticated when there is a user; or, with no client, why not.</summary>
    private async Task<(SmtpClient? Client, string? Refusal)> Connected(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true } kept)
        {
            try
            {
                // A kept connection may have been closed by the server while idle; find out before sending a mail on it.
                await kept.NoOpAsync(cancellationToken);
                return (kept, null);
            }
            catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or ServiceNotConnectedException)
            {
                Drop();
            }
        }

        Drop();
        var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        _client = client;
        await client.ConnectAsync(_options.Host, _options.Port, Socket(_options.Security), cancellationToken);
        if (!string.IsNullOrEmpty(_options.User))
        {
            if (!client.IsSecure && !_options.AllowPlainTextAuth)
            {
                Drop();
                return (null, PlainTextAuthRefusal(_options));
            }

            await client.AuthenticateAsync(_options.User, _options.Password ?? "", cancellationToken);
        }

        return (client, null);
    }

    /// <summary>Why a password is not sent on a connection without TLS, and how to fix it (for the admin, in Chinese).</summary>
    internal static string PlainTextAuthRefusal(SmtpOptions options) =>
        $"SMTP 服务器 {options.Host}:{options.Port.ToString(CultureInfo.InvariantCulture)} 的连接未提供 TLS（" +
        (options.Security == SmtpSecurity.None
            ? $"{Commands.EngineSettings.SmtpSecurityKey} = none，不加密"
            : "既非 SSL 端口，服务器也未提供 STARTTLS") +
        "），因此不发送登录密码：明文传输的密码会被网络上的任何人截获，" +
        "而中间人只需删去服务器应答中的 STARTTLS 就能迫使客户端明文登录。请让邮件服务器启用 STARTTLS 或 SSL，" +
        $"并将 {Commands.EngineSettings.SmtpSecurityKey} 设为 starttls 或 ssl-on-connect；" +
        $"确需在可信的内网中明文登录时，才设置 {Commands.EngineSettings.SmtpAllowPlainTextAuthKey} = true。";

    private void Drop()
    {
        var client = _client;
        _client = null;
        client?.Dispose();
    }

    private static SecureSocketOptions Socket(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.Auto => SecureSocketOptions.Auto,
        _ => throw new ArgumentOutOfRangeException(nameof(security), security, "Unknown SMTP security."),
    };

    private static string Word(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => "none",
        SmtpSecurity.StartTls => "starttls",
        SmtpSecurity.SslOnConnect => "ssl-on-connect",
        _ => "auto",
    };

    private static string Kind(Exception e) => e switch
    {
        TimeoutException or OperationCanceledException => "timed out",
        AuthenticationException => "authentication failed",
        SslHandshakeException => "TLS handshake failed",
        SmtpProtocolException => "protocol error",
        NotSupportedException => "not supported by the server",
        _ => "connection failed",
    };

    /// <summary>Server answers may quote the recipient (<c>550 &lt;x@y&gt;: unknown</c>): every address in them is masked.</summary>
    private static string Scrub(string text, string recipient)
    {
        var masked = text.Replace(recipient, ContactAddress.Mask(recipient), StringComparison.OrdinalIgnoreCase);
        return AddressPattern().Replace(masked, m => ContactAddress.Mask(m.Value));
    }

    [GeneratedRegex(@"[^\s<>()\[\]""',;:]+@[^\s<>()\[\]""',;:]+")]
    private static partial Regex AddressPattern();
}
