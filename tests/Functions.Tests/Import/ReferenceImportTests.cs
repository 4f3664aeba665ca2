using Escalation.Domain.Catalog;
using Escalation.Functions.Import;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Export;
using Escalation.Functions.Tests.Storage;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Import;

/// <summary>An explanation may quote its notice by the reference (文号) the notice printed, in any written form.</summary>
public sealed class ReferenceImportTests(SqliteBackend backend) : IClassFixture<SqliteBackend>, IDisposable
{
    private static readonly DateTimeZone Zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    private readonly TempFolder _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Import_StoresTheNoticesEventId_WhenAnExplanationQuotesItsReference_AndRefusesAnUnknownReference()
    {
        var tables = backend.Fresh();
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30));
        await new Importer(tables, clock, Zone).Import(ImportSource.Read(Repo.Samples));
        var notice = (await new EscalationLog(tables).Log(ExportData.Notice("lag:2026-05", "zjj", new LocalDate(2026, 6, 2), "市住房城乡建设局"), ExportData.Now))!;
        var folder = _files["answers"];
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "explanations.csv"),
        [
            "责任单位,文号,任务编号,类型,提交日期,提交人,内容,提交单位",
            "zjj,督办[2026]1号,zjj-2026-01,说明,2026-06-05,,已于6月3日召开专题会,",
            "zjj,督办〔2026〕0999号,zjj-2026-01,整改,2026-06-05,,整改报告,",
        ]);

        var report = await new Importer(tables, clock, Zone).Import(ImportSource.Read(folder));
        var stored = await new AdminStore(tables).ReadAll();

        Assert.Equal("督办〔2026〕0001号", notice.Reference);
        var refused = Assert.Single(report.Rejected);
        Assert.Equal(("explanations.csv 第 3 行", "Notice", "督办〔2026〕0999号"), (refused.Location.ToString(), refused.Problem.Field, refused.Problem.Value));
        Assert.Contains("督办记录中没有文号为 督办〔2026〕0999号", refused.Problem.Reason, StringComparison.Ordinal);
        Assert.Contains("请从通报邮件", refused.Problem.Reason, StringComparison.Ordinal);
        var answer = Assert.Single(stored.Explanations, e => e.Task == "zjj-2026-01");
        Assert.Equal(notice.Id.Value, answer.Notice);
        Assert.Equal(notice.Id.Value + ":说明", answer.Key);
    }

    // The closed loop's columns, under their Chinese headers: a rectification's evidence (file names by hand), its number
    // in its case and the web's submission time; an exemption's request.
    [Fact]
    public async Task Import_ReadsTheLoopsColumns_UnderChineseHeaders()
    {
        var tables = backend.Fresh();
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30));
        await new Importer(tables, clock, Zone).Import(ImportSource.Read(Repo.Samples));
        var notice = (await new EscalationLog(tables).Log(ExportData.Notice("lag:2026-05", "zjj", new LocalDate(2026, 6, 2), "市住房城乡建设局"), ExportData.Now))!;
        var folder = _files["loop"];
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "explanations.csv"),
        [
            "责任单位,文号,任务编号,类型,提交日期,提交人,内容,佐证材料,次序,提交时间",
            $"zjj,{notice.Reference},zjj-2026-01,说明,2026-06-05,,已于6月3日召开专题会,会议纪要.pdf；签到表.jpg,2,2026-06-05T02:30:00Z",
        ]);
        File.WriteAllLines(Path.Combine(folder, "exemptions.csv"),
        [
            "责任单位,任务编号,期次,批准人,批准日期,理由,原因性质,申请编号",
            "zjj,zjj-2026-01,2026-05,dcs-office,2026-06-02,暴雨停工,客观,zjj-2026-01:2026-05@1",
        ]);

        var report = await new Importer(tables, clock, Zone).Import(ImportSource.Read(folder));
        var stored = await new AdminStore(tables).ReadAll();

        Assert.Empty(report.Rejected);
        var answer = Assert.Single(stored.Explanations, e => e.Task == "zjj-2026-01");
        Assert.Equal((notice.Id.Value + ":说明@2", "会议纪要.pdf；签到表.jpg", "2026-06-05T02:30:00Z"), (answer.Key, answer.Evidence, answer.SubmittedAt));
        Assert.Equal("zjj-2026-01:2026-05@1", Assert.Single(stored.Exemptions, e => e.Task == "zjj-2026-01" && e.Period == "2026-05").Request);
    }

    // The references table is city-wide, but an explanation is filed and met under the unit whose notice demanded it: a
    // row of jtj quoting zjj's notice was imported without a word, and met nothing while the office believed jtj answered.
    [Fact]
    public async Task Import_RefusesAnExplanation_QuotingTheReferenceOfAnotherUnitsNotice()
    {
        var tables = backend.Fresh();
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30));
        await new Importer(tables, clock, Zone).Import(ImportSource.Read(Repo.Samples));
        var zjjNotice = (await new EscalationLog(tables).Log(ExportData.Notice("lag:2026-05", "zjj", new LocalDate(2026, 6, 2), "市住房城乡建设局"), ExportData.Now))!;
        var folder = Answers(
            "jtj,督办〔2026〕0001号,jtj-2026-01,说明,2026-06-05,,已说明,",
            "市交通运输局,2026-0001,jtj-2026-01,整改,2026-06-05,,整改报告,");

        var report = await new Importer(tables, clock, Zone).Import(ImportSource.Read(folder));
        var stored = await new AdminStore(tables).ReadAll();

        Assert.Equal("督办〔2026〕0001号", zjjNotice.Reference);
        Assert.DoesNotContain(stored.Explanations, e => e.Unit == "jtj");
        Assert.Equal(2, report.Rejected.Count);
        foreach (var refused in report.Rejected)
        {
            Assert.Equal("Notice", refused.Problem.Field);
            Assert.Contains("文号 督办〔2026〕0001号 的通报不是发给本行责任单位“jtj”的", refused.Problem.Reason, StringComparison.Ordinal);
            Assert.Contains("请核对文号", refused.Problem.Reason, StringComparison.Ordinal);
        }

        Assert.Equal(["explanations.csv 第 2 行", "explanations.csv 第 3 行"], report.Rejected.Select(r => r.Location.ToString()));
        Assert.Equal(["督办〔2026〕0001号", "2026-0001"], report.Rejected.Select(r => r.Problem.Value));
    }

    [Fact]
    public async Task Import_RefusesAnExplanation_FromAUnitTheQuotedNoticeDidNotAskToSubmit()
    {
        var tables = backend.Fresh();
        var clock = new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30));
        await new Importer(tables, clock, Zone).Import(ImportSource.Read(Repo.Samples));
        await new EscalationLog(tables).Log(ExportData.Notice("lag:2026-05", "zjj", new LocalDate(2026, 6, 2), "市住房城乡建设局"), ExportData.Now);
        var folder = Answers("zjj,督办〔2026〕0001号,zjj-2026-01,说明,2026-06-05,,代为说明,jtj");

        var report = await new Importer(tables, clock, Zone).Import(ImportSource.Read(folder));

        var refused = Assert.Single(report.Rejected);
        Assert.Equal(("From", "jtj"), (refused.Problem.Field, refused.Problem.Value));
        Assert.Contains("没有要求单位“jtj”提交（要求提交的单位：zjj）", refused.Problem.Reason, StringComparison.Ordinal);
    }

    /// <summary>An explanations.csv with the rows given under the Chinese headers, in a folder of its own.</summary>
    private string Answers(params string[] rows)
    {
        var folder = _files["answers"];
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "explanations.csv"), ["责任单位,文号,任务编号,类型,提交日期,提交人,内容,提交单位", .. rows]);
        return folder;
    }
}
