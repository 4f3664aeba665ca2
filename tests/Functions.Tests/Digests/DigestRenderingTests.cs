using System.IO.Compression;
using Escalation.Domain.Digests;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Functions.Digests;
using Escalation.Functions.Sending;
using MimeKit;
using NodaTime;

namespace Escalation.Functions.Tests.Digests;

public class DigestRenderingTests
{
    private static readonly UnitId Unit = new("zjj");

    private static WeeklyList List(string title) => WeeklyList.Build(
        DigestPeriod.Week(IndicatorPeriod.Week(2026, 23)), new LocalDate(2026, 6, 1),
        new WeeklyListInputs([new LightSighting(Unit, new ItemId("t1"), title, TrafficLight.Red, "计划 60.0%，实际 40.0%", new LocalDate(2026, 6, 1))], [], [],
            new Dictionary<UnitId, string> { [Unit] = "住建局" }));

    [Fact]
    public void Render_IsTheOfficialLayout_RedHeaderNumberTitleSectionsSignatureAndDate()
    {
        var html = DigestHtml.Render(List("旧城改造"), new DigestLetterhead("某市委市政府督查室", "市政府督查室"));

        string[] inOrder = ["某市委市政府督查室", "督查清单", "督查清单〔2026〕第23期", "2026年第23周督查清单", "一、红灯、黄灯事项（1项）", "旧城改造", "二、逾期未办结的说明、整改（0项）", "本周没有逾期未办结的说明、整改。", "三、发送失败的消息（0条）", "市政府督查室", "2026年6月1日"];
        var at = 0;
        foreach (var text in inOrder)
        {
            var next = html.IndexOf(text, at, StringComparison.Ordinal);
            Assert.True(next >= 0, $"'{text}' missing or out of order");
            at = next + text.Length;
        }

        Assert.StartsWith("<article class=\"digest\"", html, StringComparison.Ordinal);
        Assert.Contains("color:#c00", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EncodesEveryText()
    {
        var html = DigestHtml.Render(List("<script>alert(1)</script>"), DigestLetterhead.Default);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void MailMessage_WithAnAttachment_IsMixed_TextAndHtmlThenTheFileUnderItsChineseName()
    {
        var email = new EmailToSend("week:2026-W23:Email:p1", "p1@example.gov.cn", "王某", "【督查清单】", "正文", "<p>正文</p>")
        {
            Attachments = [new EmailAttachment("2026年第23周督查清单.xlsx", EmailAttachment.Xlsx, new byte[] { 1, 2, 3 })],
        };

        var message = MailMessages.Build(email, "dcs@example.gov.cn", Instant.FromUtc(2026, 6, 1, 1, 0));

        var mixed = Assert.IsType<Multipart>(message.Body);
        Assert.Equal("mixed", mixed.ContentType.MediaSubtype);
        Assert.IsType<MultipartAlternative>(mixed[0]);
        var file = Assert.IsType<MimePart>(mixed[1]);
        Assert.Equal("2026年第23周督查清单.xlsx", file.FileName);
        using var content = new MemoryStream();
        file.Content!.DecodeTo(content);
        Assert.Equal(new byte[] { 1, 2, 3 }, content.ToArray());
    }

    [Fact]
    public void MailMessage_WithoutAttachments_StaysAlternative()
    {
        var email = new EmailToSend("d1", "p1@example.gov.cn", "王某", "主题", "正文", "<p>正文</p>");

        var message = MailMessages.Build(email, "dcs@example.gov.cn", Instant.FromUtc(2026, 6, 1, 1, 0));

        Assert.IsType<MultipartAlternative>(message.Body);
    }

    // A cell that looks like a formula is written as text, never as a formula: a task title cannot inject one into the
    // workbook that the office forwards.
    [Fact]
    public void Workbook_WritesFormulaLikeTextAsText()
    {
        var section = new DigestSection("红黄灯事项", "红黄灯事项", ["事项"], [["=HYPERLINK(\"http://evil.example\",\"点此\")"], ["@SUM(1+1)"], ["+1+2"]], "无");
        var document = new DigestDocument(DigestPeriod.Week(IndicatorPeriod.Week(2026, 23)), "督查清单", "督查清单〔2026〕第23期", "标题", "开头", [section], new LocalDate(2026, 6, 1));

        var bytes = DigestWorkbook.Write(document);

        using var zip = new ZipArchive(new MemoryStream(bytes));
        var sheets = zip.Entries.Where(e => e.FullName.StartsWith("xl/worksheets/", StringComparison.Ordinal) && e.FullName.EndsWith(".xml", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(sheets);
        foreach (var entry in sheets)
        {
            using var reader = new StreamReader(entry.Open());
            var xml = reader.ReadToEnd();
            Assert.DoesNotContain("<f>", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<x:f>", xml, StringComparison.Ordinal);
        }
    }
}
