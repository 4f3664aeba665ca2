using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Escalation.Functions.Tests.Rest;

/// <summary>One request as the server saw it; <c>RawTarget</c> is the path and query exactly as sent (what a signature covers).</summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    string RawTarget,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();
}

/// <summary>A scripted answer; <c>Delay</c> holds it back (until the client gives up, if sooner).</summary>
public sealed record Answer(int Status, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan? Delay = null)
{
    public static Answer Json(int status, string body, params (string Name, string Value)[] headers) =>
        new(status, body, headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase));

    public static Answer Empty(int status, params (string Name, string Value)[] headers) =>
        new(status, null, headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase));
}

/// <summary>
/// Kestrel on https://127.0.0.1 with a self-signed certificate made for the run: records every request and plays back
/// scripted answers (a queue, then a handler; 501 when neither has one, a status the pipeline does not retry). HTTPS
/// because Azure.Core's bearer token policy refuses plain HTTP. <see cref="Transport"/> trusts exactly this certificate.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    internal static readonly Lazy<X509Certificate2> Certificate = new(CreateCertificate);

    private readonly WebApplication _app;
    private readonly Queue<Answer> _answers = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly object _gate = new();
    private Func<RecordedRequest, Answer>? _handler;

    private LoopbackServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary>https://127.0.0.1:{port}/</summary>
    public Uri BaseUri { get; }

    /// <summary>127.0.0.1:{port}</summary>
    public string Authority => BaseUri.Authority;

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<LoopbackServer> Start()
    {
        LoopbackServer? server = null;
        var (app, address) = await Serve(context => server!.Handle(context));
        server = new LoopbackServer(app, address);
        return server;
    }

    /// <summary>
    /// Starts an HTTPS server on a free loopback port with the loopback certificate, handing every request to
    /// <paramref name="handle"/>; the app (to stop) and its address (<c>https://127.0.0.1:port/</c>). For the fakes.
    /// </summary>
    public static async Task<(WebApplication App, Uri Address)> Serve(RequestDelegate handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(Certificate.Value)));
        var app = builder.Build();
        app.Run(handle);
        await app.StartAsync();
        return (app, new Uri(app.Urls.Single().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/"));
    }

    /// <summary>Queues answers, played in order before the handler is asked.</summary>
    public void Answer(params Answer[] answers)
    {
        lock (_gate)
        {
            foreach (var answer in answers)
            {
                _answers.Enqueue(answer);
            }
        }
    }

    /// <summary>Answers every request the queue has no answer for.</summary>
    public void AnswerWith(Func<RecordedRequest, Answer> handler) => _handler = handler;

    /// <summary>An HTTP handler that trusts the loopback servers' certificate and no other (for the fakes' HttpClients).</summary>
    public static SocketsHttpHandler TrustingHandler()
    {
        var expected = Certificate.Value.GetCertHashString(HashAlgorithmName.SHA256);
        return new SocketsHttpHandler
        {
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && certificate.GetCertHashString(HashAlgorithmName.SHA256) == expected,
            },
        };
    }

    /// <summary>A transport that trusts the loopback servers' certificate and no other.</summary>
    public static HttpPipelineTransport Transport()
    {
        var expected = Certificate.Value.GetCertHashString(HashAlgorithmName.SHA256);
#pragma warning disable CA2000 // The transport owns the handler for the test's lifetime.
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString(HashAlgorithmName.SHA256) == expected,
        };
#pragma warning restore CA2000
        return new HttpClientTransport(handler);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task Handle(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "",
            context.Features.Get<IHttpRequestFeature>()!.RawTarget,
            headers,
            body.ToArray());

        Answer answer;
        lock (_gate)
        {
            _requests.Add(recorded);
            answer = _answers.Count > 0 ? _answers.Dequeue() : _handler?.Invoke(recorded) ?? new Answer(501, "no scripted answer");
        }

        if (answer.Delay is { } delay)
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (answer.Body is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer.Body);
        }
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=escalation-tests-loopback", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var certificate = request.CreateSelfSigned(start, start.AddYears(100));

        // Through PKCS#12 so that the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}

/// <summary>A token source that hands out one fixed token and remembers the scopes asked for.</summary>
public sealed class FakeTokenCredential(string token) : TokenCredential
{
    private readonly List<string> _scopes = [];

    public IReadOnlyList<string> Scopes
    {
        get
        {
            lock (_scopes)
            {
                return [.. _scopes];
            }
        }
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        lock (_scopes)
        {
            _scopes.AddRange(requestContext.Scopes);
        }

        return new AccessToken(token, new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
