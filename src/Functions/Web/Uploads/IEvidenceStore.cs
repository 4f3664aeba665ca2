using System.Text.RegularExpressions;

namespace Escalation.Functions.Web.Uploads;

/// <summary>
/// Where evidence files live, by content: a file is stored under its SHA-256, so the same file uploaded twice is stored
/// once, and a stored file never changes. Blob Storage in Azure (<see cref="BlobEvidenceStore"/>), a folder in local mode
/// (<see cref="FolderEvidenceStore"/>). Only files that passed <see cref="UploadPolicy"/> are saved.
/// </summary>
public interface IEvidenceStore
{
    /// <summary>Where the files are, for messages.</summary>
    string Describe { get; }

    /// <summary>Stores <paramref name="content"/> (read from its current position) as <paramref name="file"/>; a no-op when that hash is already stored.</summary>
    Task<EvidenceFile> Save(EvidenceFile file, Stream content, CancellationToken cancellationToken = default);

    /// <summary>The stored file with that hash, or null when there is none (or the hash is not a SHA-256 in lowercase hex).</summary>
    Task<StoredEvidence?> Open(string hash, CancellationToken cancellationToken = default);
}

/// <summary>A stored file being read: its content, the content type it was stored with, and its size.</summary>
public sealed class StoredEvidence(Stream content, string contentType, long size) : IAsyncDisposable, IDisposable
{
    public Stream Content { get; } = content;

    public string ContentType { get; } = contentType;

    public long Size { get; } = size;

    public ValueTask DisposeAsync() => Content.DisposeAsync();

    public void Dispose() => Content.Dispose();
}

/// <summary>The shape of a stored file's key.</summary>
public static partial class EvidenceHash
{
    /// <summary>Whether <paramref name="hash"/> is a SHA-256 in lowercase hex (64 characters): nothing else reaches a store.</summary>
    public static bool IsValid(string? hash) => hash is not null && Sha256().IsMatch(hash);

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256();
}
