using Escalation.Functions.Web.Uploads;
using Microsoft.AspNetCore.Http;

namespace Escalation.Functions.Tests.Web.Uploads;

public sealed class EvidenceDownloadTests
{
    [Theory]
    [InlineData("application/pdf", "application/pdf")]
    [InlineData("image/png", "image/png")]
    [InlineData("text/plain; charset=utf-8", "text/plain; charset=utf-8")]
    [InlineData("text/html", "application/octet-stream")]
    [InlineData("image/svg+xml", "application/octet-stream")]
    [InlineData("application/x-msdownload", "application/octet-stream")]
    [InlineData("application/javascript", "application/octet-stream")]
    [InlineData(null, "application/octet-stream")]
    public void OnlyAnAcceptedType_IsServedAsItself(string? stored, string served) =>
        Assert.Equal(served, EvidenceDownload.SafeContentType(stored));

    [Fact]
    public async Task Download_IsAnAttachment_WithNosniff_AndTheBytes()
    {
        var content = Samples.Pdf;
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        using var body = new MemoryStream();
        context.Response.Body = body;

        await new EvidenceDownload(new StoredEvidence(new MemoryStream(content), "text/html", content.Length), "整改报告.pdf").ExecuteAsync(context);

        var headers = context.Response.Headers;
        Assert.Equal("application/octet-stream", context.Response.ContentType);
        Assert.StartsWith("attachment;", headers.ContentDisposition.ToString(), StringComparison.Ordinal);
        Assert.Contains("filename*=UTF-8''%E6%95%B4%E6%94%B9%E6%8A%A5%E5%91%8A.pdf", headers.ContentDisposition.ToString(), StringComparison.Ordinal);
        Assert.Equal("nosniff", headers.XContentTypeOptions.ToString());
        Assert.Contains("sandbox", headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
        Assert.Equal(content, body.ToArray());
    }

    [Fact]
    public void Disposition_OfAHostileName_StaysOneHeaderValue()
    {
        var header = EvidenceDownload.Disposition("a\r\nSet-Cookie: x=1\".pdf");

        Assert.DoesNotContain('\r', header);
        Assert.DoesNotContain('\n', header);
        Assert.StartsWith("attachment;", header, StringComparison.Ordinal);
    }
}
