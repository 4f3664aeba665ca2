using System.Text;

namespace Escalation.Functions.Import;

/// <summary>The text of a file as decoded, and the encoding it was read in; or why it could not be read as text.</summary>
public sealed record DecodedText(string? Text, string? Encoding, string? Refusal);

/// <summary>
/// Decodes the bytes of a CSV file. Excel on Chinese Windows saves CSV as GBK/GB18030 unless told "CSV UTF-8", so both
/// are read: UTF-8 (with or without BOM) when the bytes are valid UTF-8, else GB18030 (a superset of GBK) when they decode
/// strictly as GB18030; a UTF-16 BOM (Excel's "Unicode text") is honoured. Anything else is refused rather than decoded
/// with replacement characters, which would store every name as <c>���</c>.
/// </summary>
public static class TextFile
{
    public const string Utf8 = "UTF-8";

    public const string Gb18030 = "GB18030";

    public const string Utf16 = "UTF-16";

    private const string SaveAsUtf8 = "请在 Excel 中用“另存为 → CSV UTF-8（逗号分隔）”重新保存后再导入";

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly Lazy<Encoding> StrictGb18030 = new(() =>
    {
        // GB18030 (code page 54936) ships in-box but is only served once the code-pages provider is registered.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(54936, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    });

    public static DecodedText Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return Checked(TryDecode(StrictUtf8, bytes[3..]), Utf8, "文件以 UTF-8 的 BOM 开头，内容却不是有效的 UTF-8");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            var utf16 = new UnicodeEncoding(bigEndian: bytes[0] == 0xFE, byteOrderMark: false, throwOnInvalidBytes: true);
            return Checked(TryDecode(utf16, bytes[2..]), Utf16, "文件以 UTF-16 的 BOM 开头，内容却不是有效的 UTF-16");
        }

        if (TryDecode(StrictUtf8, bytes) is { } utf8)
        {
            return Checked(utf8, Utf8, null);
        }

        if (TryDecode(StrictGb18030.Value, bytes) is { } gb)
        {
            return Checked(gb, Gb18030, null);
        }

        return new DecodedText(null, null, $"无法识别文件的编码：既不是 UTF-8，也不是 GB18030/GBK；{SaveAsUtf8}");
    }

    private static DecodedText Checked(string? text, string encoding, string? invalid)
    {
        if (text is null)
        {
            return new DecodedText(null, null, $"{invalid}；{SaveAsUtf8}");
        }

        // Text files hold no NUL: one means UTF-16 without a BOM, or a binary file (a workbook renamed .csv).
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            return new DecodedText(null, null, $"这不是文本格式的 CSV 文件（含有 NUL 字符，可能是无 BOM 的 UTF-16 文件或二进制文件）；{SaveAsUtf8}");
        }

        return new DecodedText(text, encoding, null);
    }

    private static string? TryDecode(Encoding encoding, ReadOnlySpan<byte> bytes)
    {
        try
        {
            return encoding.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
