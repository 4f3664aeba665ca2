using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Escalation.Functions.Web.Uploads;

/// <summary>
/// Evidence files in a private Blob Storage container (Azure: the <c>evidence</c> container of the deployment's storage
/// account, reached with the managed identity, like the tables). A blob is named by the file's SHA-256 and created only
/// if absent (If-None-Match: *), with its content type as the blob's Content-Type.
/// </summary>
public sealed class BlobEvidenceStore : IEvidenceStore
{
    /// <summary>The container's URL, e.g. https://account.blob.core.windows.net/evidence.</summary>
    public const string ContainerUrlKey = "Escalation__Web__EvidenceContainerUrl";

    private readonly BlobContainerClient _container;

    public BlobEvidenceStore(BlobContainerClient container)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
    }

    /// <summary>The container at <paramref name="containerUri"/>, signed in with <paramref name="credential"/> (Entra; no keys).</summary>
    public static BlobEvidenceStore FromUri(Uri containerUri, TokenCredential credential) => new(new BlobContainerClient(containerUri, credential));

    public string Describe => $"Blob 容器 {_container.Uri}";

    public async Task<EvidenceFile> Save(EvidenceFile file, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(content);
        if (!EvidenceHash.IsValid(file.Hash))
        {
            throw new ArgumentException($"'{file.Hash}' is not a SHA-256 in lowercase hex.", nameof(file));
        }

        var blob = _container.GetBlobClient(file.Hash);
        try
        {
            await blob.UploadAsync(content, new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = file.ContentType },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409 || e.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            // The same content is already stored: content-addressed, so nothing to do.
        }

        return file;
    }

    public async Task<StoredEvidence?> Open(string hash, CancellationToken cancellationToken = default)
    {
        if (!EvidenceHash.IsValid(hash))
        {
            return null;
        }

        try
        {
            var download = await _container.GetBlobClient(hash).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var details = download.Value.Details;
            return new StoredEvidence(download.Value.Content, details.ContentType ?? "application/octet-stream", details.ContentLength);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
