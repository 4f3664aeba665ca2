using System.Globalization;
using System.Security.Cryptography;

namespace Escalation.Functions.Web.Uploads;

/// <summary>
/// Which evidence files an upload accepts: one of <see cref="EvidenceType.All"/>, named by its extension AND recognised
/// by its content (a renamed executable is refused), not empty, and at most <see cref="MaxBytes"/> long. Each refusal is
/// a Chinese message naming the file, what is wrong and how to fix it.
/// </summary>
public sealed class UploadPolicy
{
    /// <summary>The largest accepted file, in bytes.</summary>
    public const string MaxUploadBytesKey = "Escalation__Web__MaxUploadBytes";

    /// <summary>20 MB: a scanned document or a handful of photos.</summary>
    public const long DefaultMaxBytes = 20L * 1024 * 1024;

    /// <summary>The highest value the setting may take (100 MB): larger files do not belong in a web form.</summary>
    public const long HighestMaxBytes = 100L * 1024 * 1024;

    public UploadPolicy(long maxBytes = DefaultMaxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        MaxBytes = maxBytes;
    }

    public long MaxBytes { get; }

    /// <summary>Reads <see cref="MaxUploadBytesKey"/> (empty: the default); the error names the key, the value and the range.</summary>
    public static (UploadPolicy? Policy, string? Error) From(Func<string, string?> setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var text = setting(MaxUploadBytesKey)?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return (new UploadPolicy(), null);
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) || bytes < 1024 || bytes > HighestMaxBytes)
        {
            return (null, string.Create(CultureInfo.InvariantCulture,
                $"设置 {MaxUploadBytesKey} 的值「{text}」无效：应为 1024 到 {HighestMaxBytes}（100 MB）之间的整数字节数，例如 20971520（20 MB）。请修改该设置，或删除它以使用默认值 20 MB。"));
        }

        return (new UploadPolicy(bytes), null);
    }

    /// <summary>
    /// Checks one uploaded file. <paramref name="content"/> must be seekable (the caller buffers the upload, reading at
    /// most <see cref="MaxBytes"/> + 1 bytes); it is read, not kept.
    /// </summary>
    public UploadCheck Check(string? fileName, Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanSeek)
        {
            throw new ArgumentException("The upload must be buffered (a seekable stream) before it is checked.", nameof(content));
        }

        var name = SafeName(fileName);
        var shown = $"「{name}」";
        var length = content.Length;
        if (length == 0)
        {
            return Refuse(shown, "文件是空的（0 字节）", "请确认选对了文件，再重新上传");
        }

        if (length > MaxBytes)
        {
            return Refuse(shown, string.Create(CultureInfo.InvariantCulture, $"文件大小 {Megabytes(length)}，超过了上限 {Megabytes(MaxBytes)}"),
                "请压缩图片、降低扫描分辨率或把文件拆成几份后分别上传");
        }

        var extension = Path.GetExtension(name).ToLowerInvariant();
        if (extension.Length <= 1)
        {
            return Refuse(shown, "文件名没有扩展名，无法判断文件类型", $"只接受{EvidenceType.AcceptedDescription}；请把文件保存为其中一种格式（文件名带 .pdf、.jpg、.docx 等扩展名）后重新上传");
        }

        if (EvidenceType.ForExtension(extension) is not { } type)
        {
            return Refuse(shown, $"不接受扩展名为「{extension}」的文件", $"只接受{EvidenceType.AcceptedDescription}；请转换为其中一种格式后重新上传");
        }

        switch (type.Recognise(content))
        {
            case ContentVerdict.Mismatch:
                return Refuse(shown, $"扩展名是「{extension}」，但文件内容不是{type.Name}（可能是改了扩展名的其他文件，或文件已损坏）",
                    $"请用原来的程序把文件另存为{type.Name}，或上传原始文件");
            case ContentVerdict.Macros:
                return Refuse(shown, $"这个{type.Name}中含有宏（VBA 代码），为安全起见不予接受", $"请另存为不含宏的{type.Name}（{extension}）后重新上传");
            case ContentVerdict.NotUtf8:
                return Refuse(shown, "文本文件不是 UTF-8 编码（可能是 GBK/ANSI 编码）", "请用记事本“另存为”并把编码选为 UTF-8 后重新上传，或改为上传 PDF");
            case ContentVerdict.Matches:
                break;
            default:
                throw new InvalidOperationException("Unknown content verdict.");
        }

        content.Position = 0;
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        content.Position = 0;
        return new UploadCheck.Accepted(new EvidenceFile(name, hash, length, type.ContentType));
    }

    /// <summary>
    /// The file's own name as a browser sent it, without any folder part (C:\fakepath\a.pdf, ../a.pdf), control characters
    /// or surrounding blanks, at most 200 characters; "未命名" when nothing is left.
    /// </summary>
    public static string SafeName(string? fileName)
    {
        var name = (fileName ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..];
        name = new string([.. name.Where(c => !char.IsControl(c) && c is not ('"' or '<' or '>' or '|' or '*' or '?' or ':'))]).Trim().TrimStart('.');
        if (name.Length > 200)
        {
            var extension = Path.GetExtension(name);
            name = name[..(200 - extension.Length)] + extension;
        }

        return name.Length == 0 ? "未命名" : name;
    }

    private static UploadCheck.Refused Refuse(string shown, string why, string fix) => new($"{shown}未能上传：{why}。{fix}。");

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.#} MB");
}

/// <summary>The outcome of <see cref="UploadPolicy.Check"/>.</summary>
public abstract record UploadCheck
{
    private UploadCheck()
    {
    }

    /// <summary>The file may be stored: its safe name, SHA-256, size and content type.</summary>
    public sealed record Accepted(EvidenceFile File) : UploadCheck;

    /// <summary>The file is refused; <paramref name="Message"/> (Chinese) names it, says why and how to fix it.</summary>
    public sealed record Refused(string Message) : UploadCheck;
}

/// <summary>
/// An evidence file as stored: the name it was uploaded with, its SHA-256 (lowercase hex; the key it is stored under),
/// its size in bytes and its content type (one of <see cref="EvidenceType.All"/>).
/// </summary>
public sealed record EvidenceFile(string Name, string Hash, long Size, string ContentType);
