using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Tests.Storage;

/// <summary>A message as the dispatches table keeps it: a move over the daily SMS cap reads back with where it went.</summary>
public class DispatchStoreTests
{
    private static readonly DispatchKey Tuesday = new(Channel.Sms, new PersonId("jtj-wang"), new LocalDate(2026, 6, 2), EventLevel.Notice, 3);

    private static Dispatch Moved() => new(
        Tuesday, DispatchStatus.Moved, [new DispatchItem(EventId.For(new RuleId("R3"), new ItemId("jtj-01"), "overdue:2026-06-01"), new UnitId("jtj"), false)],
        Instant.FromUtc(2026, 6, 2, 2, 0), 0, null, null, "daily SMS cap of 2 messages to this number reached (2 sent today)", null, Instant.FromUtc(2026, 6, 2, 2, 0))
    {
        MovedTo = Tuesday with { Day = new LocalDate(2026, 6, 3), Sequence = 1 },
    };

    [Fact]
    public void Entity_RoundTripsAMovedMessage_WithTheMessageItsEventsJoined()
    {
        var moved = Moved();

        var entity = DispatchStore.ToEntity(moved);
        var back = DispatchStore.FromEntity(entity);

        Assert.Equal(("Moved", "Sms:jtj-wang:20260603:Notice:001"), (entity.GetString("Status"), entity.GetString("MovedTo")));
        Assert.Equal(moved with { Version = back.Version, Items = back.Items }, back);
        Assert.Equal(moved.Items, back.Items);
    }

    [Fact]
    public void Entity_HasNoMovedTo_ForAMessageThatWasNotMoved()
    {
        var entity = DispatchStore.ToEntity(Moved() with { Status = DispatchStatus.Sent, MovedTo = null });

        Assert.False(entity.ContainsKey("MovedTo"));
        Assert.Null(DispatchStore.FromEntity(entity).MovedTo);
    }

    [Fact]
    public void Entity_IsRefused_WhenMovedToIsNotAMessageId()
    {
        var entity = DispatchStore.ToEntity(Moved());
        entity["MovedTo"] = "20260603:Notice:001";

        var error = Assert.Throws<FormatException>(() => DispatchStore.FromEntity(entity));

        Assert.Contains("MovedTo '20260603:Notice:001'", error.Message, StringComparison.Ordinal);
    }
}
