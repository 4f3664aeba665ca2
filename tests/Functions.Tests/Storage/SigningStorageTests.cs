using Azure;
using Azure.Data.Tables;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Export;
using Escalation.Functions.Tests.Import;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Storage;

/// <summary>
/// 签收 in the escalation log over the embedded store: the signature is an ETag-conditional update (the first wins),
/// refreshed into the month copy; DeliveredAt is set once; the daily read gets the delivered notices with the demands.
/// </summary>
public sealed class SigningStorageTests : IDisposable
{
    private static readonly Instant Logged = Instant.FromUtc(2026, 6, 2, 0, 30);
    private static readonly EscalationEvent Notice = ExportData.Notice("lag:2026-05", "fgw", new LocalDate(2026, 6, 2));
    private readonly TempFolder _files = new();

    private SqliteTables Store() => SqliteTables.Open(_files["store"], new FakeClock(Logged));

    [Fact]
    public async Task Sign_WritesTheSignatureOnTheRowAndItsMonthCopy_Once()
    {
        var log = new EscalationLog(Store());
        await log.Record(Notice, Logged);

        var first = await log.Sign(Notice.Unit, Notice.Id, new PersonId("fgw-zhang"), Logged.Plus(Duration.FromHours(2)));
        var second = await log.Sign(Notice.Unit, Notice.Id, new PersonId("fgw-liu"), Logged.Plus(Duration.FromHours(3)));

        Assert.Equal(new SignOutcome(true, new PersonId("fgw-zhang"), Logged.Plus(Duration.FromHours(2))), first);
        Assert.Equal(new SignOutcome(false, new PersonId("fgw-zhang"), Logged.Plus(Duration.FromHours(2))), second);
        var row = (await log.Find(Notice.Unit, Notice.Id))!;
        var copy = Assert.Single(await log.OfMonth("2026-06").ToListAsync());
        Assert.Equal((new PersonId("fgw-zhang"), Logged.Plus(Duration.FromHours(2))), (row.SignedBy!.Value, row.SignedAt!.Value));
        Assert.Equal((row.SignedBy, row.SignedAt), (copy.SignedBy, copy.SignedAt));
    }

    [Fact]
    public async Task Sign_IsNull_ForAnEventNotInTheLog()
    {
        Assert.Null(await new EscalationLog(Store()).Sign(Notice.Unit, Notice.Id, new PersonId("fgw-zhang"), Logged));
    }

    [Fact]
    public async Task Sign_LosesToASignatureWrittenBetweenItsReadAndItsWrite_AndSaysWhose()
    {
        var inner = Store();
        await new EscalationLog(inner).Record(Notice, Logged);
        var racing = new RacingTables(inner, Logged.Plus(Duration.FromMinutes(5)));

        var outcome = await new EscalationLog(racing).Sign(Notice.Unit, Notice.Id, new PersonId("fgw-liu"), Logged.Plus(Duration.FromMinutes(6)));

        Assert.Equal(new SignOutcome(false, new PersonId("fgw-zhang"), Logged.Plus(Duration.FromMinutes(5))), outcome);
        Assert.Equal(new PersonId("fgw-zhang"), (await new EscalationLog(inner).Find(Notice.Unit, Notice.Id))!.SignedBy);
    }

    [Fact]
    public async Task Sign_KeepsTheSignature_WhenTheStatusChangesAfterwards()
    {
        var log = new EscalationLog(Store());
        await log.Record(Notice, Logged);
        await log.Sign(Notice.Unit, Notice.Id, new PersonId("fgw-zhang"), Logged.Plus(Duration.FromHours(2)));

        await log.SetStatus(Notice.Unit, Notice.Id, _ => LogStatus.Delivered, null, Logged.Plus(Duration.FromHours(3)));

        Assert.Equal(new PersonId("fgw-zhang"), (await log.Find(Notice.Unit, Notice.Id))!.SignedBy);
    }

    [Fact]
    public async Task SetStatus_SetsDeliveredAt_OnceWhenFirstDeliveredOrPartlyFailed()
    {
        var log = new EscalationLog(Store());
        await log.Record(Notice, Logged);

        await log.SetStatus(Notice.Unit, Notice.Id, _ => LogStatus.Published, null, Logged.Plus(Duration.FromMinutes(1)));
        var published = (await log.Find(Notice.Unit, Notice.Id))!;
        await log.SetStatus(Notice.Unit, Notice.Id, _ => LogStatus.PartlyFailed, "1 of 2", Logged.Plus(Duration.FromMinutes(2)));
        await log.SetStatus(Notice.Unit, Notice.Id, _ => LogStatus.Delivered, null, Logged.Plus(Duration.FromMinutes(9)));

        var row = (await log.Find(Notice.Unit, Notice.Id))!;
        Assert.Null(published.DeliveredAt);
        Assert.Equal(Logged.Plus(Duration.FromMinutes(2)), row.DeliveredAt);
        Assert.Equal(row.DeliveredAt, Assert.Single(await log.OfMonth("2026-06").ToListAsync()).DeliveredAt);
    }

    [Fact]
    public async Task Issued_ReadsTheDeliveredNoticesWithTheirSignature_AndNotTheUndeliveredOrReminders()
    {
        var log = new EscalationLog(Store());
        var undelivered = ExportData.Notice("lag:2026-04", "fgw", new LocalDate(2026, 6, 2));
        var reminder = ExportData.Notice("lag:2026-03", "fgw", new LocalDate(2026, 6, 2)) with { Level = EventLevel.Reminder, Demand = null };
        foreach (var e in new[] { Notice, undelivered, reminder })
        {
            await log.Record(e, Logged);
        }

        await log.SetStatus(Notice.Unit, Notice.Id, _ => LogStatus.Delivered, null, Logged.Plus(Duration.FromMinutes(2)));
        await log.SetStatus(reminder.Unit, reminder.Id, _ => LogStatus.Delivered, null, Logged.Plus(Duration.FromMinutes(2)));
        await log.Sign(Notice.Unit, Notice.Id, new PersonId("fgw-zhang"), Logged.Plus(Duration.FromHours(1)));

        var (demands, notices) = await log.Issued(new UnitId("fgw"));

        Assert.Equal(2, demands.Count);
        var notice = Assert.Single(notices);
        Assert.Equal((Notice.Id, new ItemId("fgw-2026-01"), EventLevel.Notice, EventKind.Lagging, Logged.Plus(Duration.FromMinutes(2)), (Instant?)Logged.Plus(Duration.FromHours(1))),
            (notice.Notice, notice.Item, notice.Level, notice.Kind, notice.DeliveredAt, notice.SignedAt));
        Assert.NotNull(notice.Reference);
    }

    [Fact]
    public async Task LogRow_RoundTripsAnUnsignedChasesFacts()
    {
        var log = new EscalationLog(Store());
        var chase = ExportData.Notice("unsigned:" + Notice.Id.Value, "fgw", new LocalDate(2026, 6, 3)) with
        {
            Level = EventLevel.Reminder,
            Kind = EventKind.Unsigned,
            Demand = null,
            Facts = Notice.Facts with { DemandOf = Notice.Id, UnsignedNotice = new UnsignedFacts(EventLevel.Notice, "督办〔2026〕0012号", new LocalDate(2026, 6, 2)) },
        };
        await log.Record(chase, Logged);

        var read = (await log.Find(chase.Unit, chase.Id))!.Event;

        Assert.Equal((EventKind.Unsigned, Notice.Id, chase.Facts.UnsignedNotice), (read.Kind, read.Facts.DemandOf, read.Facts.UnsignedNotice));
    }

    public void Dispose() => _files.Dispose();

    /// <summary>Another person (fgw-zhang) signs the row just before this sign's conditional write lands.</summary>
    private sealed class RacingTables(IEntityTables inner, Instant otherSignedAt) : IEntityTables
    {
        public string Describe => inner.Describe;

        public async Task<IEntityTable> Table(string name, CancellationToken cancellationToken = default)
        {
            var table = await inner.Table(name, cancellationToken);
            return name == EscalationLog.TableName ? new Racing(table, otherSignedAt) : table;
        }

        private sealed class Racing(IEntityTable inner, Instant otherSignedAt) : ForwardingTable(inner)
        {
            private bool _raced;

            public override async Task<bool> ReplaceIfMatch(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken = default)
            {
                if (!_raced)
                {
                    _raced = true;
                    await Inner.Merge(new TableEntity(entity.PartitionKey, entity.RowKey) { ["SignedBy"] = "fgw-zhang", ["SignedAt"] = otherSignedAt.ToDateTimeOffset() }, cancellationToken);
                }

                return await Inner.ReplaceIfMatch(entity, ifMatch, cancellationToken);
            }
        }
    }
}
