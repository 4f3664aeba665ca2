using Escalation.Domain.Calendar;
using Escalation.Domain.Delivery;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Tests.Accountability;

/// <summary>The fourth level in delivery: its own message per person and day, and it may be sent at once like any level.</summary>
public class AccountabilityDeliveryTests
{
    [Fact]
    public void DispatchKey_RoundTripsTheFourthLevel()
    {
        var key = new DispatchKey(Channel.Email, new PersonId("dcs-office"), new LocalDate(2026, 8, 3), EventLevel.Accountability, 1);

        Assert.Equal("Email:dcs-office:20260803:Accountability:001", key.Id);
        Assert.Equal(key, DispatchKey.TryParse(key.Id));
        Assert.StartsWith(DispatchKey.SlotPrefix(key.Day, EventLevel.Accountability), key.Row, StringComparison.Ordinal);
    }

    [Fact]
    public void Slot_IsTodayAtOnce_WhenTheFourthLevelIsSetToGoAtOnce()
    {
        var options = DeliveryOptions.Default with { SendAtOnce = new HashSet<EventLevel> { EventLevel.Accountability } };
        var saturday = new LocalDateTime(2026, 8, 1, 9, 0).InZoneStrictly(ShippedCalendar.Default.Zone).ToInstant();

        var (day, _) = DeliveryDecisions.Slot(EventLevel.Accountability, saturday, options, ShippedCalendar.Default);

        Assert.Equal(new LocalDate(2026, 8, 1), day);
    }
}
