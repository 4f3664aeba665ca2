using System.Net;
using System.Text;
using Escalation.Functions.Host;
using Microsoft.AspNetCore.Http;

namespace Escalation.Functions.Tests.Host;

/// <summary>
/// POST <c>/{FunctionName}</c> is an invocation only when it comes from the host: a request forwarded through the
/// <c>Web</c> or <c>Api</c> function carries one of the front end's or the browser's headers, which the host's own
/// invocations never do, and is answered 404 before the engine is built.
/// </summary>
public sealed class InvocationGuardTests
{
    public static TheoryData<string, string> Headers { get; } = new()
    {
        { "X-MS-CLIENT-PRINCIPAL", "eyJjbGFpbXMiOltdfQ==" },
        { "X-MS-CLIENT-PRINCIPAL-ID", "00000000-0000-0000-0000-000000000001" },
        { "X-MS-CLIENT-PRINCIPAL-NAME", "dcs@szf.gov.example" },
        { "X-MS-CLIENT-PRINCIPAL-IDP", "aad" },
        { "X-Forwarded-For", "203.0.113.7:51234" },
        { "X-Forwarded-Host", "escalation.azurewebsites.net" },
        { "X-Forwarded-Proto", "https" },
        { "X-Forwarded-TlsVersion", "1.3" },
        { "Forwarded", "for=203.0.113.7;proto=https" },
        { "X-Original-URL", "/ScanDeadlines" },
        { "X-WAWS-Unencoded-URL", "/ScanDeadlines" },
        { "X-ARR-SSL", "2048|256|CN=Microsoft Azure RSA TLS Issuing CA" },
        { "X-ARR-LOG-ID", "6c1b1c6e-0000-4000-8000-000000000000" },
        { "X-ARR-ClientCert", "MIIB" },
        { "X-Client-IP", "203.0.113.7" },
        { "Client-IP", "203.0.113.7:51234" },
        { "Disguised-Host", "escalation.azurewebsites.net" },
        { "X-AppService-Proto", "https" },
        { "X-Site-Deployment-Id", "escalation" },
        { "Cookie", "escalation-csrf=x" },
        { "Origin", "https://evil.example" },
        { "Referer", "https://escalation.azurewebsites.net/board" },
        { "Sec-Fetch-Site", "cross-site" },
        { "Sec-Fetch-Mode", "navigate" },
        { "Sec-Fetch-Dest", "document" },
        { "Sec-Fetch-User", "?1" },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public async Task Invoke_Answers404WithoutBuildingTheEngine_WhenTheRequestCarriesAForwardedHeader(string header, string value)
    {
        var built = 0;
        var (app, client) = await HandlerHarness.Bare(() =>
        {
            Interlocked.Increment(ref built);
            throw new InvalidOperationException("built");
        });
        await using var _ = app;
        using var __ = client;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/ScanDeadlines", UriKind.Relative))
        {
            Content = new StringContent(HostPayloads.Timer(HandlerHarness.ScanTime).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        Assert.True(request.Headers.TryAddWithoutValidation(header, value));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No function named", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, built);
    }

    [Fact]
    public async Task Invoke_RunsTheFunction_WithTheHeadersTheHostSends()
    {
        var built = 0;
        var (app, client) = await HandlerHarness.Bare(() =>
        {
            Interlocked.Increment(ref built);
            throw new InvalidOperationException("built");
        });
        await using var _ = app;
        using var __ = client;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/ScanDeadlines", UriKind.Relative))
        {
            Content = new StringContent(HostPayloads.Timer(HandlerHarness.ScanTime).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1040.300.1");
        request.Headers.Add("User-Agent", "Azure-Functions-Host/4.1040.300.1");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(1, built);
    }

    [Fact]
    public void ForwardedBy_NamesEveryListedHeader_AndAnySecFetchHeader()
    {
        foreach (var name in CustomHandler.ForwardedHeaders)
        {
            Assert.Equal(name, CustomHandler.ForwardedBy(new HeaderDictionary { [name.ToLowerInvariant()] = "x" }));
        }

        Assert.Equal("Sec-Fetch-Storage-Access", CustomHandler.ForwardedBy(new HeaderDictionary { ["Sec-Fetch-Storage-Access"] = "none" }));
        Assert.Null(CustomHandler.ForwardedBy(new HeaderDictionary { ["Content-Type"] = "application/json", ["X-Azure-Functions-InvocationId"] = "1" }));
    }
}
