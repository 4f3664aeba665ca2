using Escalation.Domain.Cases;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Export;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Tests.Export;

/// <summary>
/// The export's closed-loop columns (办理人, 办理时间, 处理决定, 理由, 佐证材料): read from the logged event, whose evidence
/// carries each file's SHA-256 since the log stores them; rows logged before name the files only.
/// </summary>
public sealed class LoopExportTests
{
    private static readonly string Hash = "ab12" + new string('c', 60);
    private static readonly string[] LoopHeaders = ["办理人", "办理时间", "处理决定", "理由", "佐证材料"];

    private static EscalationEvent Decided(LoopFacts loop) => ExportData.Notice("decision:x", "fgw", new LocalDate(2026, 6, 2)) with
    {
        Id = EventId.For(new RuleId("R13"), new ItemId("fgw-2026-01"), "decision:x"),
        Rule = new RuleId("R13"),
        Level = EventLevel.Reminder,
        Kind = EventKind.AnswerDecided,
        Demand = null,
        Facts = new EventFacts("推进城市更新", "市发展改革委", 0, 0) { Loop = loop },
    };

    private static readonly LoopFacts Rejected = new(SubjectTable.Explanations, "ev-x:rectification@2")
    {
        AnswerKind = DemandKind.Rectification,
        Seq = 2,
        Decision = LoopDecision.Reject,
        Reason = "照片看不清",
        Actor = new PersonId("dcs-wang"),
        ActorName = "王主任",
        At = Instant.FromUtc(2026, 6, 2, 7, 5),
        Evidence = [new Evidence("整改报告.pdf", Hash, 2048, "application/pdf"), new Evidence("纸质材料")],
    };

    /// <summary>The export row of an event as the log stores and reads it back.</summary>
    private static Dictionary<string, object?> ExportedThroughTheLog(EscalationEvent e, Action<Azure.Data.Tables.TableEntity>? alter = null)
    {
        var entity = EscalationLog.ToEntity(e, LogStatus.Delivered, null, ExportData.Now, ExportData.Now);
        alter?.Invoke(entity);
        var row = LogExport.Row(EscalationLog.FromEntity(entity), []);
        return LogExport.Headers.Zip(row).ToDictionary(p => p.First, p => p.Second);
    }

    [Fact]
    public void Headers_EndWithTheLoopColumns()
    {
        Assert.Equal(LoopHeaders, LogExport.Headers.TakeLast(5));
    }

    [Fact]
    public void Row_WritesWhoWhenWhatWhy_AndEachFileWithItsFullHash()
    {
        var row = ExportedThroughTheLog(Decided(Rejected));

        Assert.Equal(
            ["王主任(dcs-wang)", "2026-06-02 15:05", "退回", "照片看不清", $"整改报告.pdf（SHA-256 {Hash}）；纸质材料"],
            LoopHeaders.Select(h => row[h]));
    }

    [Fact]
    public void Row_NamesTheFilesOnly_ForARowLoggedBeforeHashesWere()
    {
        var row = ExportedThroughTheLog(Decided(Rejected), entity => entity["Evidence"] = "整改报告.pdf、照片.jpg");

        Assert.Equal("整改报告.pdf；照片.jpg", row["佐证材料"]);
    }

    [Fact]
    public void Row_WritesAClosingAsAcceptedWithItsMark_AndTheActorsIdWithoutAName()
    {
        var row = ExportedThroughTheLog(Decided(Rejected with { Decision = LoopDecision.Accept, Reason = null, ActorName = null, Evidence = [] }));

        Assert.Equal(["dcs-wang", "2026-06-02 15:05", "采纳（销号）", null, null], LoopHeaders.Select(h => row[h]));
    }

    [Fact]
    public void Row_LeavesTheLoopColumnsEmpty_ForAnEventOutsideTheLoop()
    {
        var row = ExportedThroughTheLog(ExportData.Notice("lag:2026-05", "fgw", new LocalDate(2026, 6, 2)));

        Assert.All(LoopHeaders, h => Assert.Null(row[h]));
    }

    [Fact]
    public void Log_StoresTheEvidenceWithHashes_AsTheExplanationsColumnWritesIt()
    {
        var entity = EscalationLog.ToEntity(Decided(Rejected), LogStatus.Logged, null, ExportData.Now, ExportData.Now);

        Assert.Equal(EvidenceColumn.Format(Rejected.Evidence), entity.GetString("Evidence"));
        Assert.Equal(Rejected.Evidence, EscalationLog.FromEntity(entity).Event.Facts.Loop!.Evidence);
    }
}
