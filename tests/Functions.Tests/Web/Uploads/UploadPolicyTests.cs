using System.Security.Cryptography;
using Escalation.Functions.Web.Uploads;

namespace Escalation.Functions.Tests.Web.Uploads;

public sealed class UploadPolicyTests
{
    private static readonly UploadPolicy Policy = new();

    public static TheoryData<string, byte[], string> AcceptedFiles => new()
    {
        { "整改报告.pdf", Samples.Pdf, "application/pdf" },
        { "现场.PNG", Samples.Png, "image/png" },
        { "现场.jpg", Samples.Jpeg, "image/jpeg" },
        { "现场.jpeg", Samples.Jpeg, "image/jpeg" },
        { "动图.gif", Samples.Gif, "image/gif" },
        { "照片.webp", Samples.Webp, "image/webp" },
        { "旧版说明.doc", Samples.CompoundFile, "application/msword" },
        { "台账.xls", Samples.CompoundFile, "application/vnd.ms-excel" },
        { "汇报.ppt", Samples.CompoundFile, "application/vnd.ms-powerpoint" },
        { "说明.docx", Samples.OpenXml("word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
        { "台账.xlsx", Samples.OpenXml("xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
        { "汇报.pptx", Samples.OpenXml("ppt/presentation.xml"), "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
        { "说明.txt", Samples.Text, "text/plain; charset=utf-8" },
    };

    [Theory]
    [MemberData(nameof(AcceptedFiles))]
    public void AcceptedFile_ComesBackWithItsName_Sha256_Size_AndTheTypesContentType(string name, byte[] content, string contentType)
    {
        using var stream = new MemoryStream(content);

        var check = Policy.Check(name, stream);

        var file = Assert.IsType<UploadCheck.Accepted>(check).File;
        Assert.Equal((name, Convert.ToHexStringLower(SHA256.HashData(content)), (long)content.Length, contentType), (file.Name, file.Hash, file.Size, file.ContentType));
        Assert.Equal(0, stream.Position);
    }

    public static TheoryData<string, byte[], string[]> SpoofedFiles => new()
    {
        { "整改报告.pdf", Samples.Executable, ["「整改报告.pdf」", "不是PDF 文件", "另存为PDF 文件"] },
        { "照片.jpg", Samples.Png, ["「照片.jpg」", "不是JPG 图片"] },
        { "照片.png", Samples.Html, ["「照片.png」", "不是PNG 图片"] },
        { "说明.docx", Samples.PlainZip, ["「说明.docx」", "不是Word 文档"] },
        { "台账.xlsx", Samples.OpenXml("word/document.xml"), ["「台账.xlsx」", "不是Excel 工作簿"] },
        { "说明.doc", Samples.Pdf, ["「说明.doc」", "不是Word 97-2003 文档"] },
        { "说明.txt", Samples.Executable, ["「说明.txt」", "不是纯文本文件"] },
    };

    [Theory]
    [MemberData(nameof(SpoofedFiles))]
    public void FileWhoseContentIsNotWhatItsExtensionSays_IsRefused_NamingTheFileWhyAndHowToFixIt(string name, byte[] content, string[] phrases)
    {
        using var stream = new MemoryStream(content);

        var message = Assert.IsType<UploadCheck.Refused>(Policy.Check(name, stream)).Message;

        Assert.All(phrases, p => Assert.Contains(p, message, StringComparison.Ordinal));
        Assert.Contains("改了扩展名", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("setup.exe")]
    [InlineData("页面.html")]
    [InlineData("图标.svg")]
    [InlineData("脚本.js")]
    [InlineData("压缩包.zip")]
    [InlineData("宏.docm")]
    public void TypeOutsideTheList_IsRefused_ListingWhatIsAccepted(string name)
    {
        using var stream = new MemoryStream(Samples.Executable);

        var message = Assert.IsType<UploadCheck.Refused>(Policy.Check(name, stream)).Message;

        Assert.StartsWith($"「{name}」未能上传：不接受扩展名为「{Path.GetExtension(name)}」的文件", message, StringComparison.Ordinal);
        Assert.Contains(EvidenceType.AcceptedDescription, message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileWithoutAnExtension_IsRefused()
    {
        using var stream = new MemoryStream(Samples.Pdf);

        var message = Assert.IsType<UploadCheck.Refused>(Policy.Check("整改报告", stream)).Message;

        Assert.Contains("「整改报告」未能上传：文件名没有扩展名", message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyFile_IsRefused()
    {
        using var stream = new MemoryStream();

        var message = Assert.IsType<UploadCheck.Refused>(Policy.Check("整改报告.pdf", stream)).Message;

        Assert.Equal("「整改报告.pdf」未能上传：文件是空的（0 字节）。请确认选对了文件，再重新上传。", message);
    }

    [Fact]
    public void FileOverTheLimit_IsRefused_WithBothSizes_AndOneAtTheLimitIsAccepted()
    {
        var policy = new UploadPolicy(maxBytes: 2 * 1024 * 1024);
        var atLimit = Samples.Pdf.Concat(new byte[(2 * 1024 * 1024) - Samples.Pdf.Length]).ToArray();
        using var over = new MemoryStream([.. atLimit, 0]);
        using var exact = new MemoryStream(atLimit);

        var message = Assert.IsType<UploadCheck.Refused>(policy.Check("扫描件.pdf", over)).Message;

        Assert.Contains("「扫描件.pdf」未能上传：文件大小 2 MB，超过了上限 2 MB", message, StringComparison.Ordinal);
        Assert.Contains("拆成几份", message, StringComparison.Ordinal);
        Assert.IsType<UploadCheck.Accepted>(policy.Check("扫描件.pdf", exact));
    }

    [Fact]
    public void OfficeDocumentWithMacros_IsRefused()
    {
        using var stream = new MemoryStream(Samples.OpenXml("word/document.xml", macros: true));

        var message = Assert.IsType<UploadCheck.Refused>(Policy.Check("说明.docx", stream)).Message;

        Assert.Contains("含有宏", message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextNotInUtf8_IsRefused_SayingHowToSaveItAsUtf8()
    {
        using var stream = new MemoryStream(Samples.GbkText);

        var message = Assert.IsType<UploadCheck.Refused>(Policy.Check("说明.txt", stream)).Message;

        Assert.Contains("不是 UTF-8 编码", message, StringComparison.Ordinal);
        Assert.Contains("编码选为 UTF-8", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"C:\fakepath\整改报告.pdf", "整改报告.pdf")]
    [InlineData("../../etc/整改报告.pdf", "整改报告.pdf")]
    [InlineData("  \"整改\u0000报告\".pdf ", "整改报告.pdf")]
    [InlineData("", "未命名")]
    [InlineData(null, "未命名")]
    public void SafeName_KeepsOnlyTheFilesOwnName(string? sent, string expected) =>
        Assert.Equal(expected, UploadPolicy.SafeName(sent));

    [Theory]
    [InlineData(null, UploadPolicy.DefaultMaxBytes)]
    [InlineData("", UploadPolicy.DefaultMaxBytes)]
    [InlineData("10485760", 10485760L)]
    public void Setting_GivesTheLimit(string? value, long expected)
    {
        var (policy, error) = UploadPolicy.From(key => key == UploadPolicy.MaxUploadBytesKey ? value : null);

        Assert.Null(error);
        Assert.Equal(expected, policy!.MaxBytes);
    }

    [Theory]
    [InlineData("20MB")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("104857601")]
    public void BadSetting_IsRefused_NamingTheKeyTheValueAndTheRange(string value)
    {
        var (policy, error) = UploadPolicy.From(key => key == UploadPolicy.MaxUploadBytesKey ? value : null);

        Assert.Null(policy);
        Assert.Contains(UploadPolicy.MaxUploadBytesKey, error, StringComparison.Ordinal);
        Assert.Contains($"「{value}」", error, StringComparison.Ordinal);
        Assert.Contains("1024 到 104857600", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NoAcceptedType_IsOneABrowserRunsOrRendersAsAPage()
    {
        string[] dangerous = ["text/html", "image/svg+xml", "application/xhtml+xml", "application/javascript", "text/javascript", "application/x-msdownload", "application/octet-stream", "text/xml", "application/xml"];

        Assert.All(EvidenceType.All, t => Assert.DoesNotContain(t.ContentType.Split(';')[0], dangerous));
    }
}
