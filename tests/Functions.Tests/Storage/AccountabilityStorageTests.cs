using System.Text.Json;
using Escalation.Domain.Accountability;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Export;
using Escalation.Functions.Local;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Export;
using NodaTime;

namespace Escalation.Functions.Tests.Storage;

/// <summary>
/// Accountability-level events (问责建议, 后果通知) as the log stores them, the export shows them and the simulate lines
/// carry them; rows of lower levels keep the columns they had.
/// </summary>
public class AccountabilityStorageTests
{
    private static readonly LocalDate Day = new(2026, 6, 16);

    /// <summary>R11's recommendation about 市住建局's task, to the office, copied to the lead official.</summary>
    private static EscalationEvent Recommendation()
    {
        var item = new ItemId("zjj-2026-03");
        var notice = EventId.For(new RuleId("R3"), item, "overdue:2026-05-15");
        return new EscalationEvent(
            EventId.For(new RuleId("R11"), item, "demand:" + notice.Value), new RuleId("R11"), EventLevel.Accountability, EventKind.DemandOverdue, item,
            new UnitId("zjj"), Day, "demand:" + notice.Value,
            [new Recipient(RecipientRole.SupervisionOffice, new PersonId("dcs-office"), false), new Recipient(RecipientRole.LeadOfficial, new PersonId("city-wang"), true)],
            [Channel.Email], "accountability",
            new EventFacts("城西安置房项目", "市住房城乡建设局", 60, 45, DemandOf: notice, DemandDueBy: new LocalDate(2026, 6, 1))
            {
                Accountability = new AccountabilityFacts("说明整改逾期问责建议"),
            },
            null);
    }

    /// <summary>A consequence notice: 市发改委 recommended to cut the project's preparatory funds.</summary>
    private static EscalationEvent CutFunds() => Recommendation() with
    {
        Rule = new RuleId("R12"),
        Kind = EventKind.Overdue,
        Occurrence = "overdue:2026-05-15",
        Recipients = [new Recipient(RecipientRole.UnitPrincipal, new PersonId("fgw-chen"), false, new UnitId("fgw"), "市发改委")],
        Template = "consequence-notice",
        Facts = new EventFacts("城西安置房项目", "市住房城乡建设局", 60, 45, Checkpoint: "主体完工", CheckpointDue: new LocalDate(2026, 5, 15), CheckpointTarget: 60)
        {
            Accountability = new AccountabilityFacts("逾期项目核减前期费", "核减前期费", new UnitId("fgw"), "市发改委"),
        },
    };

    private static LogEntry RoundTrip(EscalationEvent e) =>
        EscalationLog.FromEntity(EscalationLog.ToEntity(e, LogStatus.Logged, null, ExportData.Now, ExportData.Now));

    [Fact]
    public void Log_RoundTripsARecommendation_WithItsLevelAndRuleName()
    {
        var e = Recommendation();

        var entity = EscalationLog.ToEntity(e, LogStatus.Logged, null, ExportData.Now, ExportData.Now);
        var read = EscalationLog.FromEntity(entity).Event;

        Assert.Equal(("Accountability", "说明整改逾期问责建议"), (entity.GetString("Level"), entity.GetString("RuleName")));
        Assert.False(entity.ContainsKey("Consequence"));
        Assert.Equal(EventLevel.Accountability, read.Level);
        Assert.Equal(e.Facts.Accountability, read.Facts.Accountability);
        Assert.Equal(e.Recipients, read.Recipients);
    }

    [Fact]
    public void Log_RoundTripsAConsequenceNotice_WithTheConsequenceAndTheExecutingUnit()
    {
        var e = CutFunds();

        var entity = EscalationLog.ToEntity(e, LogStatus.Logged, null, ExportData.Now, ExportData.Now);
        var read = EscalationLog.FromEntity(entity).Event;

        Assert.Equal(("核减前期费", "fgw", "市发改委"), (entity.GetString("Consequence"), entity.GetString("ConsequenceUnit"), entity.GetString("ConsequenceUnitName")));
        Assert.Equal(new AccountabilityFacts("逾期项目核减前期费", "核减前期费", new UnitId("fgw"), "市发改委"), read.Facts.Accountability);
    }

    [Fact]
    public void Log_ReadsAnAccountabilityRowWithoutRuleName_UnderTheRuleId()
    {
        var entity = EscalationLog.ToEntity(Recommendation(), LogStatus.Logged, null, ExportData.Now, ExportData.Now);
        entity.Remove("RuleName");

        Assert.Equal(new AccountabilityFacts("R11"), EscalationLog.FromEntity(entity).Event.Facts.Accountability);
    }

    [Fact]
    public void Log_LeavesLowerLevelsWithoutAccountabilityColumns()
    {
        var entity = EscalationLog.ToEntity(ExportData.Notice("lag:2026-05", "fgw", Day), LogStatus.Logged, null, ExportData.Now, ExportData.Now);

        Assert.False(entity.ContainsKey("RuleName"));
        Assert.Null(EscalationLog.FromEntity(entity).Event.Facts.Accountability);
    }

    [Fact]
    public void Export_ShowsTheLevelTheRecommendationAndTheExecutingUnit()
    {
        var header = LogExport.Headers.ToList();

        var recommendation = LogExport.Row(RoundTrip(Recommendation()), []);
        var consequence = LogExport.Row(RoundTrip(CutFunds()), []);
        var notice = LogExport.Row(RoundTrip(ExportData.Notice("lag:2026-05", "fgw", Day)), []);

        Assert.Equal<object?>(["问责建议", "说明整改逾期", "启动问责程序"], [recommendation[header.IndexOf("级别")], recommendation[header.IndexOf("类型")], recommendation[header.IndexOf("建议事项")]]);
        Assert.Null(recommendation[header.IndexOf("执行单位")]);
        Assert.Equal("督查室(dcs-office)", recommendation[header.IndexOf("送达对象")]);
        Assert.Equal("包保领导(city-wang)", recommendation[header.IndexOf("抄送")]);
        Assert.Equal<object?>(["核减前期费", "市发改委(fgw)"], [consequence[header.IndexOf("建议事项")], consequence[header.IndexOf("执行单位")]]);
        Assert.Equal("市发改委主要负责人(fgw-chen)", consequence[header.IndexOf("送达对象")]);
        Assert.Null(notice[header.IndexOf("建议事项")]);
        Assert.Null(notice[header.IndexOf("执行单位")]);
        Assert.Equal(header.IndexOf("要求提交单位") + 1, header.IndexOf("建议事项"));
    }

    [Fact]
    public void EventLine_CarriesTheLevelAndTheConsequence()
    {
        using var recommendation = JsonDocument.Parse(EventLine.Of(Recommendation()));
        using var consequence = JsonDocument.Parse(EventLine.Of(CutFunds()));

        Assert.Equal("accountability", recommendation.RootElement.GetProperty("level").GetString());
        Assert.False(recommendation.RootElement.TryGetProperty("consequence", out _));
        Assert.Equal("accountability", consequence.RootElement.GetProperty("level").GetString());
        Assert.Equal(("核减前期费", "fgw"), (consequence.RootElement.GetProperty("consequence").GetString(), consequence.RootElement.GetProperty("consequenceUnit").GetString()));
    }

    [Fact]
    public void Schema_DeclaresTheNewLogColumns_AndTheRuleColumnsWithChineseHeaders()
    {
        Assert.All(["RuleName", "Consequence", "ConsequenceUnit", "ConsequenceUnitName"], name => Assert.Contains(Tables.EscalationLog.Columns, c => c.Name == name));
        Assert.Equal("Consequence", Tables.Rules.ColumnFor("后果")?.Name);
        Assert.Equal("ConsequenceUnit", Tables.Rules.ColumnFor("执行单位")?.Name);
    }
}
