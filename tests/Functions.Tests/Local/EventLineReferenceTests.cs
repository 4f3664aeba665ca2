using System.Text.Json;
using Escalation.Domain.Rules;
using Escalation.Functions.Local;
using Escalation.Functions.Tests.Export;

namespace Escalation.Functions.Tests.Local;

/// <summary>The <c>run</c> / <c>simulate</c> line carries the reference (文号) of a logged notice, and none for a reminder.</summary>
public class EventLineReferenceTests
{
    [Fact]
    public void EventLine_CarriesTheReference_WhenTheLogAssignedOne()
    {
        var e = ExportData.Notice("lag:2026-05", "zjj", new NodaTime.LocalDate(2026, 6, 2)) with { Reference = "督办〔2026〕0123号" };

        using var line = JsonDocument.Parse(EventLine.Of(e));

        Assert.Equal("督办〔2026〕0123号", line.RootElement.GetProperty("reference").GetString());
        Assert.Equal(e.Id.Value, line.RootElement.GetProperty("eventId").GetString());
    }

    [Fact]
    public void EventLine_LeavesTheReferenceOut_ForAReminder()
    {
        var e = ExportData.Notice("lag:2026-05", "zjj", new NodaTime.LocalDate(2026, 6, 2)) with { Level = EventLevel.Reminder };

        using var line = JsonDocument.Parse(EventLine.Of(e));

        Assert.False(line.RootElement.TryGetProperty("reference", out _));
    }
}
