using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Escalation.Functions.Web.Uploads;

/// <summary>
/// Serves a stored evidence file so that the browser saves it and never runs or renders it as a page: only a content
/// type of <see cref="EvidenceType.ServableContentTypes"/> (anything else goes as application/octet-stream), always
/// <c>Content-Disposition: attachment</c> with the uploaded name, <c>X-Content-Type-Options: nosniff</c>, and a
/// Content-Security-Policy that forbids everything should a browser open it anyway.
/// </summary>
public sealed class EvidenceDownload(StoredEvidence file, string fileName) : IResult
{
    /// <summary>The content type the download is sent with: the stored one when it is an accepted type, else application/octet-stream.</summary>
    public static string SafeContentType(string? stored) =>
        stored is not null && EvidenceType.ServableContentTypes.Contains(stored) ? stored : "application/octet-stream";

    /// <summary>The Content-Disposition header: attachment, with an ASCII fallback name and the UTF-8 name (RFC 6266).</summary>
    public static string Disposition(string fileName)
    {
        var header = new ContentDispositionHeaderValue("attachment");
        header.SetHttpFileName(UploadPolicy.SafeName(fileName));
        return header.ToString();
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        await using var _ = file.ConfigureAwait(false);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = SafeContentType(file.ContentType);
        response.ContentLength = file.Size;
        response.Headers.ContentDisposition = Disposition(fileName);
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        response.Headers.CacheControl = "private, no-store";
        if (HttpMethods.IsHead(httpContext.Request.Method))
        {
            return;
        }

        await file.Content.CopyToAsync(response.Body, httpContext.RequestAborted).ConfigureAwait(false);
    }
}
