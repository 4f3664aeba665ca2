using System.IO.Compression;

namespace Escalation.Functions.Web.Uploads;

/// <summary>
/// A kind of evidence file the office accepts: its extensions, the content type it is stored and served with, its
/// Chinese name, and how its content is recognised (magic bytes, and for Office Open XML the package's main part).
/// None is a type a browser runs or renders as a page (no HTML, SVG, script or executable).
/// </summary>
public sealed class EvidenceType
{
    private readonly Func<Stream, ContentVerdict> _recognise;

    private EvidenceType(string name, string contentType, IReadOnlyList<string> extensions, Func<Stream, ContentVerdict> recognise)
    {
        Name = name;
        ContentType = contentType;
        Extensions = extensions;
        _recognise = recognise;
    }

    /// <summary>The Chinese name used in messages, e.g. "PDF 文件".</summary>
    public string Name { get; }

    /// <summary>The content type stored with the file and sent when it is downloaded.</summary>
    public string ContentType { get; }

    /// <summary>Lowercase extensions with the dot, e.g. ".jpg", ".jpeg".</summary>
    public IReadOnlyList<string> Extensions { get; }

    public static EvidenceType Pdf { get; } = new("PDF 文件", "application/pdf", [".pdf"], s => Verdict(StartsWith(s, "%PDF-"u8)));

    public static EvidenceType Png { get; } = new("PNG 图片", "image/png", [".png"], s => Verdict(StartsWith(s, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])));

    public static EvidenceType Jpeg { get; } = new("JPG 图片", "image/jpeg", [".jpg", ".jpeg"], s => Verdict(StartsWith(s, [0xFF, 0xD8, 0xFF])));

    public static EvidenceType Gif { get; } = new("GIF 图片", "image/gif", [".gif"], s => Verdict(StartsWith(s, "GIF87a"u8) || StartsWith(s, "GIF89a"u8)));

    public static EvidenceType Webp { get; } = new("WebP 图片", "image/webp", [".webp"], s => Verdict(StartsWith(s, "RIFF"u8) && At(s, 8, "WEBP"u8)));

    public static EvidenceType Doc { get; } = new("Word 97-2003 文档", "application/msword", [".doc"], s => Verdict(StartsWith(s, CompoundFile)));

    public static EvidenceType Xls { get; } = new("Excel 97-2003 工作簿", "application/vnd.ms-excel", [".xls"], s => Verdict(StartsWith(s, CompoundFile)));

    public static EvidenceType Ppt { get; } = new("PowerPoint 97-2003 演示文稿", "application/vnd.ms-powerpoint", [".ppt"], s => Verdict(StartsWith(s, CompoundFile)));

    public static EvidenceType Docx { get; } = new(
        "Word 文档", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", [".docx"], s => OpenXml(s, "word/document.xml"));

    public static EvidenceType Xlsx { get; } = new(
        "Excel 工作簿", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [".xlsx"], s => OpenXml(s, "xl/workbook.xml"));

    public static EvidenceType Pptx { get; } = new(
        "PowerPoint 演示文稿", "application/vnd.openxmlformats-officedocument.presentationml.presentation", [".pptx"], s => OpenXml(s, "ppt/presentation.xml"));

    public static EvidenceType Text { get; } = new("纯文本文件", "text/plain; charset=utf-8", [".txt"], Utf8Text);

    /// <summary>Every accepted type, in the order the messages list them.</summary>
    public static IReadOnlyList<EvidenceType> All { get; } = [Pdf, Png, Jpeg, Gif, Webp, Doc, Docx, Xls, Xlsx, Ppt, Pptx, Text];

    /// <summary>The content types a download may be served with; anything else is sent as application/octet-stream.</summary>
    public static IReadOnlySet<string> ServableContentTypes { get; } = All.Select(t => t.ContentType).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>What the accepted types are, for messages: "PDF、图片（PNG、JPG、GIF、WebP）、Word、Excel、PowerPoint 文档和纯文本（TXT）".</summary>
    public const string AcceptedDescription = "PDF、图片（PNG、JPG、GIF、WebP）、Word、Excel、PowerPoint 文档（含 97-2003 格式）和纯文本（TXT，UTF-8 编码）";

    private static ReadOnlySpan<byte> CompoundFile => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    /// <summary>The type for a file name's extension, or null.</summary>
    public static EvidenceType? ForExtension(string extension) =>
        All.FirstOrDefault(t => t.Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase));

    /// <summary>Whether <paramref name="content"/> (seekable; read from its start) is a file of this type.</summary>
    internal ContentVerdict Recognise(Stream content)
    {
        content.Position = 0;
        try
        {
            return _recognise(content);
        }
        finally
        {
            content.Position = 0;
        }
    }

    private static ContentVerdict Verdict(bool matches) => matches ? ContentVerdict.Matches : ContentVerdict.Mismatch;

    private static bool StartsWith(Stream s, ReadOnlySpan<byte> magic) => At(s, 0, magic);

    private static bool At(Stream s, int offset, ReadOnlySpan<byte> magic)
    {
        Span<byte> head = stackalloc byte[offset + magic.Length];
        s.Position = 0;
        return s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head[offset..].SequenceEqual(magic);
    }

    /// <summary>A zip package with [Content_Types].xml and the type's main part; one carrying VBA macros is refused.</summary>
    private static ContentVerdict OpenXml(Stream s, string mainPart)
    {
        if (!StartsWith(s, "PK\u0003\u0004"u8))
        {
            return ContentVerdict.Mismatch;
        }

        s.Position = 0;
        try
        {
            using var zip = new ZipArchive(s, ZipArchiveMode.Read, leaveOpen: true);
            var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (!names.Contains("[Content_Types].xml") || !names.Contains(mainPart))
            {
                return ContentVerdict.Mismatch;
            }

            return names.Any(n => n.EndsWith("vbaProject.bin", StringComparison.OrdinalIgnoreCase)) ? ContentVerdict.Macros : ContentVerdict.Matches;
        }
        catch (InvalidDataException)
        {
            return ContentVerdict.Mismatch;
        }
    }

    /// <summary>UTF-8 text (a BOM allowed) without NUL or other control characters than tab, CR and LF.</summary>
    private static ContentVerdict Utf8Text(Stream s)
    {
        s.Position = 0;
        using var buffer = new MemoryStream();
        s.CopyTo(buffer);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        // Control bytes first: a binary file is "not text", whatever its encoding would be.
        foreach (var b in bytes)
        {
            if (b < 0x20 && b is not (byte)'\t' and not (byte)'\r' and not (byte)'\n')
            {
                return ContentVerdict.Mismatch;
            }
        }

        return System.Text.Unicode.Utf8.IsValid(bytes) ? ContentVerdict.Matches : ContentVerdict.NotUtf8;
    }
}

/// <summary>What a file's content says against the type its extension names.</summary>
internal enum ContentVerdict
{
    Matches,
    Mismatch,
    Macros,
    NotUtf8,
}
