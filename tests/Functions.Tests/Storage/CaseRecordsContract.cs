using Escalation.Domain.Cases;
using Escalation.Domain.Catalog;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Tests.Storage;

/// <summary>
/// The closed loop's tables on Azurite and on the embedded store alike: decisions and exemption requests round-trip,
/// are written once (insert-if-absent), and are read per unit; an answer's new columns (Evidence, Seq, SubmittedAt) and
/// an exemption's Request round-trip through their admin tables; a loop event's facts through the log.
/// </summary>
public abstract class CaseRecordsContract<TBackend>(TBackend backend)
    where TBackend : IBackend
{
    private static readonly Instant Now = Instant.FromUtc(2026, 6, 8, 3, 10);
    private static readonly EventId Notice = EventId.For(new RuleId("R3"), new ItemId("jtj-2026-04"), "overdue:2026-05-20");
    private static readonly Evidence File = new("验收报告.pdf", new string('b', 64), 4096, "application/pdf");

    private static Decision Rejected(string unit = "jtj") =>
        new(Notice.Value + ":rectification@2!01", new UnitId(unit), Notice.Value + ":rectification@2", SubjectTable.Explanations, LoopDecision.Reject, new PersonId("dcs-wang"), Now, "未附整改佐证材料")
        {
            Task = new ItemId("jtj-2026-04"),
            Notice = Notice,
        };

    private static readonly ExemptionRequest Request =
        new("jtj-2026-01:2026-05@1", new UnitId("jtj"), new ItemId("jtj-2026-01"), null, "2026-05", "沿线发现文物遗存", new PersonId("jtj-cao"), Now, [File]);

    [Fact]
    public async Task Decisions_RoundTrip_AndAreWrittenOnce_PerUnit()
    {
        var records = new CaseRecords(backend.Fresh());

        var first = await records.Add(Rejected());
        var second = await records.Add(Rejected() with { Kind = LoopDecision.Accept, Reason = null });
        await records.Add(Rejected("fgw"));

        Assert.True(first);
        Assert.False(second);
        Assert.Equal([Rejected()], await records.Decisions(new UnitId("jtj")));
        Assert.Equal(Rejected(), await records.FindDecision(new UnitId("jtj"), Rejected().Key));
        Assert.Equal(2, (await records.AllDecisions()).Count);
    }

    [Fact]
    public async Task ExemptionRequests_RoundTrip_WithTheirEvidence_AndAreWrittenOnce()
    {
        var records = new CaseRecords(backend.Fresh());

        Assert.True(await records.Add(Request));
        Assert.False(await records.Add(Request with { Reason = "另一个理由" }));

        var stored = Assert.Single(await records.Requests(new UnitId("jtj")));
        Assert.Equal((Request.Key, Request.Task, Request.Period, Request.Reason, Request.RequestedBy, Request.RequestedAt), (stored.Key, stored.Task, stored.Period, stored.Reason, stored.RequestedBy, stored.RequestedAt));
        Assert.Equal([File], stored.Evidence);
    }

    [Fact]
    public async Task AnswerAndExemptionColumns_RoundTrip_ThroughTheAdminTables()
    {
        var tables = backend.Fresh();
        var answer = new ExplanationRow("jtj", Notice.Value, "jtj-2026-04", "rectification", "2026-06-05", "jtj-cao", "已整改")
        {
            Evidence = EvidenceColumn.Format([File]),
            Seq = "2",
            SubmittedAt = "2026-06-05T02:30:00Z",
        };
        var exemption = new ExemptionRow("jtj", "jtj-2026-01", "2026-05", "dcs-wang", "2026-06-08", "沿线发现文物遗存", "客观") { Request = Request.Key };

        await new AdminStore(tables).Write(AdminTables.Explanations, [answer]);
        await new AdminStore(tables).Write(AdminTables.Exemptions, [exemption]);
        var all = await new AdminStore(tables).ReadAll();

        Assert.Equal(Notice.Value + ":rectification@2", Assert.Single(all.Explanations).Key);
        Assert.Equal(answer, all.Explanations[0]);
        Assert.Equal(exemption, Assert.Single(all.Exemptions));
    }

    [Fact]
    public async Task LoopFacts_RoundTrip_ThroughTheLog()
    {
        var log = new EscalationLog(backend.Fresh());
        var loop = new LoopFacts(SubjectTable.Explanations, Notice.Value + ":rectification@2")
        {
            AnswerKind = DemandKind.Rectification,
            Seq = 2,
            Decision = LoopDecision.Reject,
            Reason = "未附整改佐证材料",
            Actor = new PersonId("dcs-wang"),
            ActorName = "王主任",
            At = Now,
            Evidence = [File, new Evidence("照片.jpg")],
            Notice = Notice,
            NoticeReference = "督办〔2026〕0012号",
        };
        var decided = StoreContract<TBackend>.Notice("decision:x") with
        {
            Id = EventId.For(new RuleId("R13"), new ItemId("fgw-2026-01"), "decision:x"),
            Rule = new RuleId("R13"),
            Level = EventLevel.Reminder,
            Kind = EventKind.AnswerDecided,
            Demand = null,
            Facts = new EventFacts("推进城市更新", "市发展改革委", 0, 0) { Loop = loop },
        };

        await log.Log(decided, Now);
        var back = (await log.Find(decided.Unit, decided.Id))!.Event.Facts.Loop!;

        Assert.Equal(loop with { Evidence = [] }, back with { Evidence = [] });
        Assert.Equal(loop.Evidence, back.Evidence);
    }
}

public sealed class AzuriteCaseRecordsTests() : CaseRecordsContract<AzuriteBackend>(new AzuriteBackend());

public sealed class SqliteCaseRecordsTests(SqliteBackend backend) : CaseRecordsContract<SqliteBackend>(backend), IClassFixture<SqliteBackend>;
