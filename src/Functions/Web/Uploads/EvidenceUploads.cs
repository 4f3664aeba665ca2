namespace Escalation.Functions.Web.Uploads;

/// <summary>An uploaded file that passed <see cref="UploadPolicy"/> and is not stored yet: what will be recorded, and how to read it.</summary>
/// <param name="File">Its name, SHA-256, size and content type, as <see cref="UploadPolicy.Check"/> found them.</param>
/// <param name="Content">Opens its content from the start (the caller disposes the stream).</param>
public sealed record EvidenceUpload(EvidenceFile File, Func<CancellationToken, Task<Stream>> Content);

/// <summary>
/// The evidence files of one submission (an answer or an exemption request): checked, and stored only when the closed
/// loop has accepted the submission (<see cref="Store"/>, called right before its row is written), so that a refused
/// submission leaves no file behind.
/// </summary>
public sealed class EvidenceUploads
{
    private readonly IReadOnlyList<EvidenceUpload> _uploads;
    private readonly IEvidenceStore? _store;

    private EvidenceUploads(IReadOnlyList<EvidenceFile> files, IReadOnlyList<EvidenceUpload> uploads, IEvidenceStore? store)
    {
        Files = files;
        _uploads = uploads;
        _store = store;
    }

    /// <summary>No files.</summary>
    public static EvidenceUploads None { get; } = new([], [], null);

    /// <summary>The files to record: names, hashes, sizes and content types, in the order given.</summary>
    public IReadOnlyList<EvidenceFile> Files { get; }

    /// <summary>Checked uploads, to be saved in <paramref name="store"/> once the submission is accepted.</summary>
    public static EvidenceUploads Checked(IReadOnlyList<EvidenceUpload> uploads, IEvidenceStore store)
    {
        ArgumentNullException.ThrowIfNull(uploads);
        ArgumentNullException.ThrowIfNull(store);
        return uploads.Count == 0 ? None : new EvidenceUploads([.. uploads.Select(u => u.File)], uploads, store);
    }

    /// <summary>Files some earlier step stored already (the service tests): nothing more to store.</summary>
    internal static EvidenceUploads AlreadyStored(IReadOnlyList<EvidenceFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return files.Count == 0 ? None : new EvidenceUploads(files, [], null);
    }

    /// <summary>
    /// Saves each file once in the store (by its content: a file stored before, by an earlier try of the same submission or
    /// another submission with the same file, is not written again).
    /// </summary>
    public async Task Store(CancellationToken cancellationToken)
    {
        foreach (var upload in _uploads)
        {
            var content = await upload.Content(cancellationToken).ConfigureAwait(false);
            await using (content.ConfigureAwait(false))
            {
                await _store!.Save(upload.File, content, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
