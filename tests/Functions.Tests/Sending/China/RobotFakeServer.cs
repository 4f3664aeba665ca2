using System.Text;
using Escalation.Functions.Tests.Rest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>What the fake does with a request: a status and body, a body that stops half-way (a hang-up), or a wait.</summary>
public sealed record FakeAnswer(int Status, string Body, bool HangUp = false, TimeSpan? Delay = null)
{
    public static FakeAnswer Ok(string json) => new(200, json);
}

/// <summary>
/// Kestrel on https://127.0.0.1 with a self-signed certificate made for the run, answering with a handler (the robot
/// fakes) and recording every request; <see cref="Client"/> trusts exactly that certificate. Unlike the ACS
/// <see cref="LoopbackServer"/> it can hang up in the middle of an answer.
/// </summary>
public sealed class RobotFakeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _gate = new();

    private RobotFakeServer(WebApplication app, Uri baseUri, Func<RecordedRequest, FakeAnswer> handler)
    {
        _app = app;
        BaseUri = baseUri;
        Handler = handler;
    }

    public Uri BaseUri { get; }

    public Func<RecordedRequest, FakeAnswer> Handler { get; set; }

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

    public static async Task<RobotFakeServer> Start(Func<RecordedRequest, FakeAnswer> handler)
    {
        RobotFakeServer? server = null;
        var (app, address) = await LoopbackServer.Serve(context => server!.Handle(context));
        server = new RobotFakeServer(app, address, handler);
        return server;
    }

    /// <summary>A client that trusts the fakes' certificate (the loopback servers') and no other.</summary>
#pragma warning disable CA2000 // The client owns the handler.
    public static HttpClient Client() => new(LoopbackServer.TrustingHandler());
#pragma warning restore CA2000

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task Handle(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var recorded = new RecordedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "",
            context.Features.Get<IHttpRequestFeature>()!.RawTarget,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.ToArray());
        FakeAnswer answer;
        lock (_gate)
        {
            _requests.Add(recorded);
            answer = Handler(recorded);
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

        var bytes = Encoding.UTF8.GetBytes(answer.Body);
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = bytes.Length;
        if (answer.HangUp)
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(bytes);
    }
}
