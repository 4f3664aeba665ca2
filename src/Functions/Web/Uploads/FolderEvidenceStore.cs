using System.Text.Json;

namespace Escalation.Functions.Web.Uploads;

/// <summary>
/// Evidence files in a folder (local mode): <c>{folder}/{hash[0..2]}/{hash}</c> holds the bytes and
/// <c>{hash}.json</c> beside it the content type and size. A file is written to a temporary name and moved into place,
/// so a reader never sees half a file.
/// </summary>
public sealed class FolderEvidenceStore : IEvidenceStore
{
    private readonly string _folder;

    public FolderEvidenceStore(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        _folder = Path.GetFullPath(folder);
    }

    public string Describe => $"文件夹 {_folder}";

    public async Task<EvidenceFile> Save(EvidenceFile file, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(file.Hash) ?? throw new ArgumentException($"'{file.Hash}' is not a SHA-256 in lowercase hex.", nameof(file));
        if (File.Exists(path) && File.Exists(path + ".json"))
        {
            return file;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var target = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await content.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            }

            var written = new FileInfo(temporary).Length;
            if (written != file.Size)
            {
                throw new InvalidOperationException($"Evidence {file.Hash}: {written} bytes were written, {file.Size} expected.");
            }

            var metadata = JsonSerializer.Serialize(new Metadata(file.ContentType, file.Size));
            await File.WriteAllTextAsync(temporary + ".json", metadata, cancellationToken).ConfigureAwait(false);
            // The metadata first: a file without its metadata is not served (Open), a metadata file without the bytes neither.
            File.Move(temporary + ".json", path + ".json", overwrite: true);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
            File.Delete(temporary + ".json");
        }

        return file;
    }

    public async Task<StoredEvidence?> Open(string hash, CancellationToken cancellationToken = default)
    {
        if (PathOf(hash) is not { } path || !File.Exists(path) || !File.Exists(path + ".json"))
        {
            return null;
        }

        var metadata = JsonSerializer.Deserialize<Metadata>(await File.ReadAllTextAsync(path + ".json", cancellationToken).ConfigureAwait(false))
            ?? throw new InvalidDataException($"{path}.json is empty.");
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        return new StoredEvidence(stream, metadata.ContentType, stream.Length);
    }

    private string? PathOf(string hash) =>
        EvidenceHash.IsValid(hash) ? Path.Combine(_folder, hash[..2], hash) : null;

    private sealed record Metadata(string ContentType, long Size);
}
