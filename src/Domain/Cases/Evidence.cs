using System.Text.Json;
using System.Text.Json.Serialization;

namespace Escalation.Domain.Cases;

/// <summary>
/// An evidence file (佐证材料) attached to an answer or an exemption request: the name it was uploaded with and, for a file
/// stored by the web, its SHA-256 (lowercase hex, the key it is stored under), size and content type. A row written by hand
/// may name files only (paper evidence the office holds): then the hash, size and type are null.
/// </summary>
/// <param name="Name">The file's name as uploaded (or as the admin wrote it).</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the content; null for a file named by hand.</param>
/// <param name="Bytes">Its size; null for a file named by hand.</param>
/// <param name="ContentType">The content type it was stored with; null for a file named by hand.</param>
public sealed record Evidence(string Name, string? Sha256 = null, long? Bytes = null, string? ContentType = null);

/// <summary>
/// The <c>Evidence</c> column (佐证材料) of explanations and exemptionrequests: a JSON list of
/// <c>{Name, Sha256, Bytes, ContentType}</c>, or, as admins write it by hand, file names separated by ； or ;.
/// </summary>
public static class EvidenceColumn
{
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The column's text for <paramref name="files"/>; null for none (the cell stays empty).</summary>
    public static string? Format(IReadOnlyList<Evidence> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return files.Count == 0 ? null : JsonSerializer.Serialize(files.Select(f => new Entry(f.Name, f.Sha256, f.Bytes, f.ContentType)), Json);
    }

    /// <summary>
    /// The files a cell names: empty for an empty cell; null with the reason (Chinese, naming how to fix it) when the cell
    /// starts like JSON but is not the list this column holds.
    /// </summary>
    public static (IReadOnlyList<Evidence>? Files, string? Problem) Parse(string? text)
    {
        var cell = text?.Trim() ?? "";
        if (cell.Length == 0)
        {
            return ([], null);
        }

        if (cell.StartsWith('['))
        {
            try
            {
                var entries = JsonSerializer.Deserialize<List<Entry>>(cell, Json) ?? [];
                if (entries.Any(e => string.IsNullOrWhiteSpace(e.Name)))
                {
                    return (null, "佐证材料列表中有文件没有名称（Name）。请为每个文件填写名称，或改为用「；」分隔的文件名。");
                }

                return ([.. entries.Select(e => new Evidence(e.Name!.Trim(), string.IsNullOrWhiteSpace(e.Sha256) ? null : e.Sha256.Trim(), e.Bytes, e.ContentType))], null);
            }
            catch (JsonException)
            {
                return (null, "佐证材料不是有效的 JSON 文件列表。请填写网页生成的列表 [{\"Name\":…,\"Sha256\":…}]，或只写文件名，多个文件用「；」分隔。");
            }
        }

        return ([.. cell.Split(['；', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => new Evidence(n))], null);
    }

    /// <summary>The files' names, separated by 、, for messages and lists.</summary>
    public static string Names(IReadOnlyList<Evidence> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return string.Join("、", files.Select(f => f.Name));
    }

    private sealed record Entry(string? Name, string? Sha256, long? Bytes, string? ContentType);
}
