using Azure.Data.Tables;
using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Digests;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Functions.Digests;
using Escalation.Functions.Local;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;
using MiniExcelLibs;
using Configuration = Escalation.Domain.Catalog.Configuration;
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
    public void Recipients_APrincipalOfTwoListedUnits_GetsOneCopyWithBothUnitsParts()
    {
        var configuration = Roster([new UnitRow("swj", "商务局", Principal: "boss"), new UnitRow("fgw", "发改委", Principal: "boss")]);

        var recipients = DigestIssuing.Recipients(configuration, DigestPeriod.Week(IndicatorPeriod.Week(2026, 23)), [new UnitId("swj"), new UnitId("fgw")]);

        Assert.Equal(["dcs", "boss"], recipients.Select(r => r.Person.Value));
        Assert.Empty(recipients[0].Parts);
        Assert.Equal(["fgw", "swj"], recipients[1].Parts.Select(u => u.Value));
    }

    [Fact]
    public void Recipients_ALeadOfficialOfTwoUnits_GetsOneCopyOfTheMonthlyNotice()
    {
        var configuration = Roster([new UnitRow("swj", "商务局", Principal: "boss", LeadOfficial: "city-wang"), new UnitRow("fgw", "发改委", LeadOfficial: "city-wang")]);

        var recipients = DigestIssuing.Recipients(configuration, DigestPeriod.Month(IndicatorPeriod.Month(2026, 5)), []);

        Assert.Equal(["dcs", "boss", "city-wang"], recipients.Select(r => r.Person.Value));
        Assert.All(recipients, r => Assert.Empty(r.Parts));
    }

    // One person heading two listed units (一套班子两块牌子) receives one email, under the one message id of their copy,
    // holding both units' parts and addressed to both units.
    [Fact]
    public async Task WeeklyList_APrincipalOfTwoListedUnits_ReceivesOneEmailWithBothUnitsParts()
    {
        using var sandbox = await Sandbox.WithSamples(MondayMorning);
        var issuing = sandbox.Local().Engine.Digests;
        var configuration = await issuing.Configuration();
        var w23 = DigestPeriod.Week(IndicatorPeriod.Week(2026, 23));
        var (_, parts) = await issuing.Render(configuration, w23, new LocalDate(2026, 6, 1));
        Assert.True(parts.Count >= 2, "the samples list at least two units in week 23");
        var listed = parts.Keys.OrderBy(u => u.Value, StringComparer.Ordinal).ToList();
        var (a, b) = (listed[0], listed[1]);
        var head = configuration.Roster.Units[a].Principal!.Value;
        var (nameA, nameB) = (configuration.Roster.Units[a].Name, configuration.Roster.Units[b].Name);
        var units = await sandbox.Tables.Table("units");
        await units.Merge(new TableEntity("unit", b.Value) { ["Principal"] = head.Value });

        var outcome = await sandbox.Local().Engine.WeeklyList();

        var copy = Assert.Single(outcome.Copies, c => c.Person == head);
        Assert.Equal([a, b], copy.Parts);
        Assert.Equal([a, b], (await new DigestStore(sandbox.Tables).Find(w23, copy.Key))!.Parts);
        var email = Assert.Single(sandbox.Email.Sent, c => c.Email.DispatchId == $"week:2026-W23:Email:{head.Value}").Email;
        Assert.Equal($"【督查清单】2026年第23周督查清单（{nameA}、{nameB}）", email.Subject);
        Assert.StartsWith($"{nameA}、{nameB}：", email.PlainText, StringComparison.Ordinal);
        var attachment = Assert.Single(email.Attachments);
        Assert.Equal($"2026年第23周督查清单（{nameA}、{nameB}）.xlsx", attachment.Name);
        foreach (var (section, i) in parts[a].Sections.Select((x, i) => (x, i)))
        {
            using var stream = new MemoryStream(attachment.Content.ToArray());
            var rows = MiniExcel.Query(stream, useHeaderRow: true, sheetName: section.Sheet).Count();
            Assert.Equal(section.Rows.Count + parts[b].Sections[i].Rows.Count, rows);
        }
    }

    // Friday 2026-06-05: the first run of W23 (the timer missed Monday to Thursday) is killed after the office's copy went
    // out and before it was recorded. No later run of W23 comes: the next is Monday of W24, which finishes W23 first.
    [Fact]
    public async Task WeeklyList_ClaimedAndInterruptedOnItsWeeksLastWorkingDay_IsFinishedByTheNextWeeksRun()
    {
        using var sandbox = await Sandbox.WithSamples(Sandbox.At(2026, 6, 5, 9, 0));
        var crashing = new CrashingTables(sandbox.Tables,
            (table, entity) => table == DigestStore.TableName && entity.GetString("Status") == nameof(DigestDeliveryStatus.Sent) && entity.RowKey == "Email:dcs-office",
            new IOException("process killed"));
        await Assert.ThrowsAsync<IOException>(() => sandbox.Local(tables: crashing).Engine.WeeklyList());
        sandbox.Clock.AdvanceTo(Sandbox.At(2026, 6, 8, 9, 0));

        var monday = await sandbox.Local().Engine.WeeklyList();

        var w23 = DigestPeriod.Week(IndicatorPeriod.Week(2026, 23));
        var earlier = Assert.Single(monday.Earlier);
        Assert.Equal((w23, DigestRun.Issued, new LocalDate(2026, 6, 5)), (earlier.Period!.Value, earlier.Run, earlier.IssuedOn!.Value));
        var copies = await new DigestStore(sandbox.Tables).Deliveries(w23);
        Assert.True(copies.Count > 1);
        Assert.All(copies, c => Assert.Equal(DigestDeliveryStatus.Sent, c.Status));
        Assert.Equal(DigestStatus.Issued, (await new DigestStore(sandbox.Tables).FindClaim(w23))!.Status);
        var byId = sandbox.Email.Calls.Where(c => c.Email.DispatchId.StartsWith("week:2026-W23:", StringComparison.Ordinal)).GroupBy(c => c.Email.DispatchId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(2, byId["week:2026-W23:Email:dcs-office"]); // sent before the crash, then again under the same message id
        Assert.All(byId.Where(p => p.Key != "week:2026-W23:Email:dcs-office"), p => Assert.Equal(1, p.Value));
        Assert.Equal(copies.Count, byId.Count);
        Assert.Equal(("week:2026-W24", DigestRun.Issued), (monday.Period?.Key, monday.Run)); // and then its own week
        Assert.Empty((await sandbox.Local().Engine.WeeklyList()).Earlier); // finished: not gone on with again
    }

    // Tuesday 2026-07-14, June's latest day: the run is killed after the office's copy. No run of July's remaining days
    // comes; August's first finishes June before it looks at July.
    [Fact]
    public async Task MonthlyNotice_ClaimedAndInterrupted_IsFinishedByARunOfALaterMonth()
    {
        using var sandbox = await Sandbox.WithSamples(Sandbox.At(2026, 7, 14, 9, 10));
        var crashing = new CrashingTables(sandbox.Tables,
            (table, entity) => table == DigestStore.TableName && entity.GetString("Status") == nameof(DigestDeliveryStatus.Sent) && entity.RowKey == "Email:dcs-office",
            new IOException("process killed"));
        await Assert.ThrowsAsync<IOException>(() => sandbox.Local(tables: crashing).Engine.MonthlyNotice());
        sandbox.Clock.AdvanceTo(Sandbox.At(2026, 8, 3, 9, 10));

        var august = await sandbox.Local().Engine.MonthlyNotice();

        var june = DigestPeriod.Month(IndicatorPeriod.Month(2026, 6));
        var earlier = Assert.Single(august.Earlier);
        Assert.Equal((june, DigestRun.Issued, new LocalDate(2026, 7, 14)), (earlier.Period!.Value, earlier.Run, earlier.IssuedOn!.Value));
        var copies = await new DigestStore(sandbox.Tables).Deliveries(june);
        Assert.True(copies.Count > 1);
        Assert.All(copies, c => Assert.True(c.IsFinal, $"{c.Id} is still {c.Status}"));
        Assert.Equal(DigestStatus.Issued, (await new DigestStore(sandbox.Tables).FindClaim(june))!.Status);
        Assert.Equal(2, sandbox.Email.Calls.Count(c => c.Email.DispatchId == "month:2026-06:Email:dcs-office"));
        Assert.All(sandbox.Email.Calls.Where(c => c.Email.DispatchId.StartsWith("month:2026-06:", StringComparison.Ordinal)).GroupBy(c => c.Email.DispatchId)
            .Where(g => g.Key != "month:2026-06:Email:dcs-office"), g => Assert.Single(g));
    }

    // The latest day set to 20: February 2026 has 16 working days, so January's notice is due on March's 4th working
    // day, Thursday 03-05, and not on any day of February (DigestScheduleTests draws the calendar). The samples lack
    // data, so it waits for that day and then goes, as the month before last.
    [Fact]
    public async Task MonthlyNotice_OfJanuary_IsIssuedInMarch_WhenTheLatestWorkingDayIs20()
    {
        using var sandbox = await Sandbox.WithSamples(Sandbox.At(2026, 3, 4, 9, 10));
        LocalMode Local() => LocalMode.Create(sandbox.Tables, sandbox.Held, sandbox.Clock, Domain.Delivery.DeliveryOptions.Default, Sandbox.Zone, sandbox.Channels,
            NullLoggerFactory.Instance, new DigestOptions(MonthlyLatestWorkingDay: 20));
        var january = DigestPeriod.Month(IndicatorPeriod.Month(2026, 1));
        var store = new DigestStore(sandbox.Tables);

        await Local().Engine.MonthlyNotice();
        var beforeItsDay = await store.FindClaim(january);
        sandbox.Clock.AdvanceTo(Sandbox.At(2026, 3, 5, 9, 10));
        var onItsDay = await Local().Engine.MonthlyNotice();

        Assert.Null(beforeItsDay);
        var issued = onItsDay.Earlier.Append(onItsDay).Single(o => o.Period == january);
        Assert.Equal((DigestRun.Issued, new LocalDate(2026, 3, 5)), (issued.Run, issued.IssuedOn!.Value));
        Assert.Equal(DigestStatus.Issued, (await store.FindClaim(january))!.Status);
        Assert.Contains(sandbox.Email.Sent, c => c.Email.Subject == "【督查通报】2026年1月督查通报");
    }

    [Fact]
    public void DigestPeriodKeys_AreTheTablesPartitions()
    {
        Assert.Equal("month:2026-06", DigestPeriod.Month(IndicatorPeriod.Month(2026, 6)).Key);
    }

    private static Configuration Roster(IReadOnlyList<UnitRow> units)
    {
        var rows = ConfigurationRows.Empty with
        {
            Units = units,
            People =
            [
                new PersonRow("dcs", "督查室", Email: "dcs@example.gov.cn"),
                new PersonRow("boss", "张主任", "swj", Email: "zhang@swj.example.gov.cn"),
                new PersonRow("city-wang", "王副市长", Email: "wang@example.gov.cn"),
            ],
            Settings = [new SettingRow("SupervisionOffice", "dcs")],
        };
        var (configuration, problems) = Configuration.Build(rows, ShippedCalendar.ChinaMainland, Sandbox.Zone);
        Assert.Empty(problems);
        return configuration;
    }
}
