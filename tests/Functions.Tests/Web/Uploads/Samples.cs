using System.IO.Compression;
using System.Text;

namespace Escalation.Functions.Tests.Web.Uploads;

/// <summary>Small files of each kind, built byte by byte as their formats begin (not real documents, but what a check sees).</summary>
internal static class Samples
{
    public static byte[] Pdf => Concat("%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"u8);

    public static byte[] Png => Concat([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, .. "IHDR"u8]);

    public static byte[] Jpeg => Concat([0xFF, 0xD8, 0xFF, 0xE0, 0, 16, .. "JFIF"u8, 0]);

    public static byte[] Gif => Concat("GIF89a\u0001\u0000\u0001\u0000"u8);

    public static byte[] Webp => Concat([.. "RIFF"u8, 26, 0, 0, 0, .. "WEBPVP8 "u8]);

    public static byte[] CompoundFile => Concat([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0]);

    /// <summary>A Windows executable (MZ): what a renamed .exe starts with.</summary>
    public static byte[] Executable => Concat([.. "MZ"u8, 0x90, 0, 3, 0, 0, 0, .. "This program cannot be run in DOS mode"u8]);

    public static byte[] Html => Encoding.UTF8.GetBytes("<!doctype html><html><script>alert(document.cookie)</script></html>");

    public static byte[] Text => Encoding.UTF8.GetBytes("整改说明：已于6月3日完成整改。\r\n附：照片三张。\n");

    /// <summary>"整改" in GBK.</summary>
    public static byte[] GbkText => [0xD5, 0xFB, 0xB8, 0xC4, 0x0D, 0x0A];

    /// <summary>An Office Open XML package: [Content_Types].xml, the main part, and optionally a VBA project.</summary>
    public static byte[] OpenXml(string mainPart, bool macros = false)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>");
            Write(zip, mainPart, "<document/>");
            if (macros)
            {
                Write(zip, Path.GetDirectoryName(mainPart) + "/vbaProject.bin", "VBA");
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A zip that is not an Office document (a renamed .zip).</summary>
    public static byte[] PlainZip
    {
        get
        {
            using var buffer = new MemoryStream();
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            {
                Write(zip, "payload.exe", "MZ");
            }

            return buffer.ToArray();
        }
    }

    private static byte[] Concat(ReadOnlySpan<byte> head) => [.. head, .. new byte[64]];

    private static void Write(ZipArchive zip, string name, string text)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open());
        writer.Write(text);
    }
}
