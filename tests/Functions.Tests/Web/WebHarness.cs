using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Escalation.Functions.Commands;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Host;
using Escalation.Functions.Tests.Import;
using Escalation.Functions.Web;
using Escalation.Functions.Web.Uploads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Web;

/// <summary>A page as answered: status, body, and the cookies set.</summary>
internal sealed partial record Answer(HttpStatusCode Status, string Body, HttpResponseMessage Response)
{
    /// <summary>The board's (or unit page's) rows as (kind, id, unit, light), from their data attributes.</summary>
    public IReadOnlyList<(string Kind, string Id, string Unit, string Light)> Rows =>
        [.. RowPattern().Matches(Body).Select(m => (m.Groups["kind"].Value, m.Groups["id"].Value, m.Groups["unit"].Value, m.Groups["light"].Value))];

    /// <summary>The light counts' data attributes.</summary>
    public (int Red, int Yellow, int Green, int None) Counts
    {
        get
        {
            var m = CountsPattern().Match(Body);
            Assert.True(m.Success, "no light counts on the page");
            return (int.Parse(m.Groups["r"].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups["y"].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups["g"].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The antiforgery token of the page's first form.</summary>
    public string Token => TokenPattern().Match(Body) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups["t"].Value) : throw new InvalidOperationException("no token on the page");

    [GeneratedRegex("<tr data-testid=\"row\" data-kind=\"(?<kind>[a-z]+)\" data-id=\"(?<id>[^\"]+)\" data-unit=\"(?<unit>[^\"]+)\" data-light=\"(?<light>[a-z]+)\">")]
    private static partial Regex RowPattern();

    [GeneratedRegex("data-testid=\"light-counts\"[^>]*data-red=\"(?<r>\\d+)\" data-yellow=\"(?<y>\\d+)\" data-green=\"(?<g>\\d+)\" data-none=\"(?<n>\\d+)\"")]
    private static partial Regex CountsPattern();

    [GeneratedRegex("name=\"__csrf\" value=\"(?<t>[^\"]+)\"")]
    private static partial Regex TokenPattern();
}

/// <summary>
/// The web pages over a fresh copy of the store seeded with samples/, the clock at Monday 2026-06-01 08:30 Asia/Shanghai:
/// either as <c>serve</c> builds them (App Service authentication: the principal header; the engine's invocations too), or
/// as the local <c>web</c> command builds them (the development sign-in).
/// </summary>
internal sealed class WebHarness : IAsyncDisposable
{
    private readonly TempFolder _folder;
    private readonly WebApplication _app;

    private WebHarness(TempFolder folder, WebApplication app, HttpClient client, IEntityTables tables, FakeClock clock)
    {
        _folder = folder;
        _app = app;
        Client = client;
        Tables = tables;
        Clock = clock;
    }

    public HttpClient Client { get; }

    public IEntityTables Tables { get; }

    public FakeClock Clock { get; }

    /// <summary>The handler as <c>serve</c> builds it, its store the seeded copy (Escalation__LocalStore), no Service Bus.</summary>
    public static async Task<WebHarness> Serve(Func<IEntityTables, Task>? seed = null)
    {
        var folder = await HandlerHarness.SeededCopy();
        var clock = new FakeClock(HandlerHarness.ScanTime);
        if (seed is not null)
        {
            // Before the handler starts: it computes the board (and the people it maps accounts to) at start.
            await seed(SqliteTables.Open(folder["store"], clock));
        }

        string? Setting(string key) => key == StoreSettings.LocalStoreKey ? folder["store"] : null;
        var app = ServeCommand.Build(Settings.From(Setting), Setting, clock, web => web.UseTestServer());
        await app.StartAsync();
        return new WebHarness(folder, app, app.GetTestClient(), SqliteTables.Open(folder["store"], clock), clock);
    }

    /// <summary>The local <c>web</c> command's application over the seeded copy.</summary>
    public static async Task<WebHarness> Local()
    {
        var folder = await HandlerHarness.SeededCopy();
        var clock = new FakeClock(HandlerHarness.ScanTime);
        var tables = SqliteTables.Open(folder["store"], clock);
        var app = WebCommand.Build(tables, clock, HandlerHarness.Zone, web => web.UseTestServer());
        await app.StartAsync();
        var client = app.GetTestClient();
        return new WebHarness(folder, app, client, tables, clock);
    }

    /// <summary>
    /// The local <c>web</c> command's application with the closed loop's service (its events recorded by
    /// <see cref="Publisher"/>), evidence in the folder <see cref="EvidenceFolder"/>, uploads up to <paramref name="maxUploadBytes"/>.
    /// </summary>
    public static async Task<WebHarness> WithLoop(Func<IEntityTables, Task>? seed = null, long maxUploadBytes = 64 * 1024)
    {
        var folder = await HandlerHarness.SeededCopy();
        var clock = new FakeClock(HandlerHarness.ScanTime);
        var tables = SqliteTables.Open(folder["store"], clock);
        if (seed is not null)
        {
            await seed(tables);
        }

        var publisher = new RecordingPublisher();
        var loop = new Escalation.Functions.Cases.ClosedLoop(tables, publisher, clock, HandlerHarness.Zone, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var evidence = new FolderEvidenceStore(folder["evidence"]);
        var app = WebCommand.Build(tables, clock, HandlerHarness.Zone, web => web.UseTestServer(), loop: loop, evidence: evidence, uploads: new UploadPolicy(maxUploadBytes));
        await app.StartAsync();
        return new WebHarness(folder, app, app.GetTestClient(), tables, clock) { Publisher = publisher, Loop = loop, Evidence = evidence, EvidenceFolder = folder["evidence"] };
    }

    /// <summary>What the closed loop published (<see cref="WithLoop"/> only).</summary>
    public RecordingPublisher? Publisher { get; private init; }

    /// <summary>The closed loop's service the pages use (<see cref="WithLoop"/> only).</summary>
    public Escalation.Functions.Cases.ClosedLoop? Loop { get; private init; }

    /// <summary>The evidence store the pages use (<see cref="WithLoop"/> only).</summary>
    public FolderEvidenceStore? Evidence { get; private init; }

    /// <summary>Where the evidence store keeps its files (<see cref="WithLoop"/> only).</summary>
    public string? EvidenceFolder { get; private init; }

    /// <summary>POSTs a multipart form (fields and files of the <c>files</c> field) with the cookies given.</summary>
    public async Task<Answer> PostMultipart(string path, IEnumerable<KeyValuePair<string, string>> fields, IEnumerable<(string Name, byte[] Content)> files, string cookies)
    {
        using var content = new MultipartFormDataContent();
        foreach (var (key, value) in fields)
        {
            content.Add(new StringContent(value), key);
        }

        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, "files", name);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        if (cookies.Length > 0)
        {
            request.Headers.Add("Cookie", cookies);
        }

        return await Send(request);
    }

    /// <summary>The <c>X-MS-CLIENT-PRINCIPAL</c> App Service authentication sends for an Entra ID account.</summary>
    public static string PrincipalOf(string name, string? email = null)
    {
        var claims = new JsonArray
        {
            new JsonObject { ["typ"] = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", ["val"] = name },
            new JsonObject { ["typ"] = "aud", ["val"] = "00000000-0000-0000-0000-000000000001" },
        };
        if (email is not null)
        {
            claims.Add(new JsonObject { ["typ"] = "preferred_username", ["val"] = email });
        }

        var json = new JsonObject
        {
            ["auth_typ"] = "aad",
            ["claims"] = claims,
            ["name_typ"] = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
            ["role_typ"] = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
        };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    /// <summary>GET as the account (its principal header), or signed out when <paramref name="principal"/> is null.</summary>
    public async Task<Answer> Get(string path, string? principal = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (principal is not null)
        {
            request.Headers.Add(AppServicePrincipalSource.PrincipalHeader, principal);
        }

        return await Send(request);
    }

    public async Task<Answer> Send(HttpRequestMessage request)
    {
        var response = await Client.SendAsync(request);
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    /// <summary>GET with the cookies given (the local sign-in's and antiforgery's).</summary>
    public async Task<Answer> GetWithCookies(string path, string cookies)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (cookies.Length > 0)
        {
            request.Headers.Add("Cookie", cookies);
        }

        return await Send(request);
    }

    /// <summary>POSTs a form with the cookies given.</summary>
    public async Task<Answer> PostForm(string path, IEnumerable<KeyValuePair<string, string>> fields, string cookies = "", string? principal = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new FormUrlEncodedContent(fields) };
        if (cookies.Length > 0)
        {
            request.Headers.Add("Cookie", cookies);
        }

        if (principal is not null)
        {
            request.Headers.Add(AppServicePrincipalSource.PrincipalHeader, principal);
        }

        return await Send(request);
    }

    /// <summary>The name=value pairs of the Set-Cookie headers, ready for a Cookie header.</summary>
    public static string CookiesOf(params Answer[] answers) =>
        string.Join("; ", answers.SelectMany(a => a.Response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            .Select(v => v.Split(';')[0]).Where(v => !v.EndsWith('=')));

    /// <summary>Signs in locally as <paramref name="person"/>: the sign-in page's token, then the form; the cookies to send after.</summary>
    public async Task<string> SignIn(string person)
    {
        var page = await Get("/signin");
        var antiforgery = CookiesOf(page);
        var signedIn = await PostForm("/signin", [new("__csrf", page.Token), new("person", person)], antiforgery);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.Status);
        return antiforgery + "; " + CookiesOf(signedIn);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _folder.Dispose();
    }
}
