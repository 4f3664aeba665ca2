using Escalation.Domain.Digests;
using Escalation.Domain.Indicators;
using Escalation.Functions.Digests;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Pipeline;
using MiniExcelLibs;
using NodaTime;

namespace Escalation.Functions.Tests.Digests;

/// <summary>The digest timers over the shipped samples: issued on the issue day, exactly once, and finished after a crash.</summary>
public class DigestIssuingTests
{
    // 2026 June: Monday 06-01 is a working day, so W23's list goes out that day; Sunday 05-31 is off.
    private static readonly Instant MondayMorning = Sandbox.At(2026, 6, 1, 9, 0);

    [Fact]
    public async Task WeeklyList_IsIssuedOnItsIssueDay_ToTheOfficeWholeAndToListedUnitsInParts()
    {
        using var sandbox = await Sandbox.WithSamples(MondayMorning);
        var local = sandbox.Local();

        var outcome = await local.Engine.WeeklyList();

        Assert.Equal(DigestRun.Issued, outcome.Run);
        Assert.Equal("week:2026-W23", outcome.Period?.Key);
        Assert.NotEmpty(outcome.Copies);
        Assert.All(outcome.Copies, c => Assert.Equal(DigestDeliveryStatus.Sent, c.Status));
        var office = Assert.Single(sandbox.Email.Sent, c => c.Email.DispatchId == "week:2026-W23:Email:dcs-office");
        Assert.Equal("【督查清单】2026年第23周督查清单", office.Email.Subject);
        Assert.Contains(sandbox.Email.Sent, c => c.Email.Subject.StartsWith("【督查清单】2026年第23周督查清单（", StringComparison.Ordinal));
        Assert.Equal(outcome.Copies.Count, sandbox.Email.Calls.Count);
    }

    [Fact]
    public async Task WeeklyList_IsNotSentAgain_ByALaterRunOfTheSameWeek()
    {
        using var sandbox = await Sandbox.WithSamples(MondayMorning);
        await sandbox.Local().Engine.WeeklyList();
        var calls = sandbox.Email.Calls.Count;
        sandbox.Clock.AdvanceTo(Sandbox.At(2026, 6, 2, 9, 0));

        var again = await sandbox.Local().Engine.WeeklyList();

        Assert.Equal(DigestRun.AlreadyIssued, again.Run);
        Assert.Equal(calls, sandbox.Email.Calls.Count);
    }

    [Fact]
    public async Task WeeklyList_IsNotDue_OnANonWorkingDay()
    {
        using var sandbox = await Sandbox.WithSamples(Sandbox.At(2026, 5, 31, 9, 0));

        var outcome = await sandbox.Local().Engine.WeeklyList();

        Assert.Equal(DigestRun.NotDue, outcome.Run);
        Assert.Empty(sandbox.Email.Calls);
    }

    [Fact]
    public async Task WeeklyList_AfterACrashBeforeACopysOutcomeIsRecorded_ARunAfterTheLeaseSendsOnlyThatCopyAgain_WithTheSameMessageId()
    {
        using var sandbox = await Sandbox.WithSamples(MondayMorning);
        var crashing = new CrashingTables(sandbox.Tables,
            (table, entity) => table == DigestStore.TableName && entity.GetString("Status") == nameof(DigestDeliveryStatus.Sent) && entity.RowKey == "Email:dcs-office",
            new IOException("process killed"));

        await Assert.ThrowsAsync<IOException>(() => sandbox.Local(tables: crashing).Engine.WeeklyList());
        Assert.True(crashing.Crashed);
        var first = sandbox.Email.Calls.Count;
        var during = await sandbox.Local().Engine.WeeklyList();
        sandbox.Clock.AdvanceTo(MondayMorning + DigestOptions.Default.Lease + Duration.FromMinutes(1));
        var rerun = await sandbox.Local().Engine.WeeklyList();

        Assert.Equal(1, first); // the office's copy is the first: the crash stopped the run there
        Assert.Contains(during.Copies, c => c.Status == DigestDeliveryStatus.Sending); // within the lease: left alone
        Assert.Equal(DigestRun.Issued, rerun.Run);
        Assert.All(rerun.Copies, c => Assert.Equal(DigestDeliveryStatus.Sent, c.Status));
        var byId = sandbox.Email.Calls.GroupBy(c => c.Email.DispatchId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(2, byId["week:2026-W23:Email:dcs-office"]);
        Assert.All(byId.Where(p => p.Key != "week:2026-W23:Email:dcs-office"), p => Assert.Equal(1, p.Value));
        Assert.Equal(rerun.Copies.Count + 1, sandbox.Email.Calls.Count);
        Assert.Equal(DigestStatus.Issued, (await new DigestStore(sandbox.Tables).FindClaim(rerun.Period!.Value))!.Status);
    }

    [Fact]
    public async Task WeeklyList_CarriesAWorkbookWithASheetPerSection()
    {
        using var sandbox = await Sandbox.WithSamples(MondayMorning);

        await sandbox.Local().Engine.WeeklyList();

        var office = Assert.Single(sandbox.Email.Sent, c => c.Email.DispatchId == "week:2026-W23:Email:dcs-office").Email;
        var attachment = Assert.Single(office.Attachments);
        Assert.Equal(("2026年第23周督查清单.xlsx", EmailAttachment.Xlsx), (attachment.Name, attachment.ContentType));
        using var stream = new MemoryStream(attachment.Content.ToArray());
        Assert.Equal(["红黄灯事项", "逾期未办结", "发送失败"], MiniExcel.GetSheetNames(stream));
        stream.Position = 0;
        var rows = MiniExcel.Query(stream, useHeaderRow: true, sheetName: "红黄灯事项").Cast<IDictionary<string, object?>>().ToList();
        Assert.NotEmpty(rows);
        Assert.Equal(["序号", "单位", "事项", "类别", "灯", "情况", "查看日期"], rows[0].Keys);
        Assert.Contains("市委市政府督查室", office.Html, StringComparison.Ordinal);
        Assert.Contains("督查清单〔2026〕第23期", office.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeeklyList_IsAddressedToTheOfficeAndToEachUnit_NotToAMailboxAsAComrade()
    {
        using var sandbox = await Sandbox.WithSamples(MondayMorning);

        await sandbox.Local().Engine.WeeklyList();

        var office = Assert.Single(sandbox.Email.Sent, c => c.Email.DispatchId == "week:2026-W23:Email:dcs-office").Email;
        Assert.StartsWith("督查室：", office.PlainText, StringComparison.Ordinal);
        Assert.Contains("督查室：", office.Html, StringComparison.Ordinal);
        var parts = sandbox.Email.Sent.Select(c => c.Email).Where(e => e.Subject.EndsWith('）')).ToList();
        Assert.NotEmpty(parts);
        Assert.All(parts, e => Assert.StartsWith(e.Subject[(e.Subject.LastIndexOf('（') + 1)..^1] + "：", e.PlainText, StringComparison.Ordinal));
        Assert.DoesNotContain(sandbox.Email.Sent, c => c.Email.PlainText.Contains("同志：", StringComparison.Ordinal));
    }

    // 2026 July: the 10th working day is Tuesday 07-14. The samples' indicators lack June's data, so June's notice
    // waits until then and notes what is missing.
    [Fact]
    public async Task MonthlyNotice_IsIssuedOnceWhenDue_AndNotBefore()
    {
        using var sandbox = await Sandbox.WithSamples(Sandbox.At(2026, 7, 1, 9, 10));
        var early = await sandbox.Local().Engine.MonthlyNotice();
        sandbox.Clock.AdvanceTo(Sandbox.At(2026, 7, 14, 9, 10));

        var due = await sandbox.Local().Engine.MonthlyNotice();
        var calls = sandbox.Email.Calls.Count;
        var again = await sandbox.Local().Engine.MonthlyNotice();

        Assert.True(early.Run == DigestRun.NotDue || early.Period?.Key == "month:2026-06", "either June's data was all published on 07-01, or the notice waited");
        Assert.Equal("month:2026-06", due.Period?.Key);
        Assert.Equal(early.Run == DigestRun.NotDue ? DigestRun.Issued : DigestRun.AlreadyIssued, due.Run);
        Assert.Equal(DigestRun.AlreadyIssued, again.Run);
        Assert.Equal(calls, sandbox.Email.Calls.Count);
        Assert.Contains(sandbox.Email.Sent, c => c.Email.Subject == "【督查通报】2026年6月督查通报");
    }

    [Fact]
    public void DigestPeriodKeys_AreTheTablesPartitions()
    {
        Assert.Equal("month:2026-06", DigestPeriod.Month(IndicatorPeriod.Month(2026, 6)).Key);
    }
}
