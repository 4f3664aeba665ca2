using System.Text.Json;
using Escalation.Domain.Delivery;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Export;
using Escalation.Functions.Local;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Export;

namespace Escalation.Functions.Tests.Storage;

/// <summary>
/// Recipients a rule names (a person, another unit's principal) as the log stores them, the ledger keeps them, and the
/// export and the simulate lines show them; rows written before named recipients existed still read back.
/// </summary>
public class NamedRecipientStorageTests
{
    private static readonly Recipient NamedPerson = new(RecipientRole.Named, new PersonId("sjj-liu"), false);
    private static readonly Recipient OtherUnitsHead = new(RecipientRole.UnitPrincipal, new PersonId("fgw-chen"), true, new UnitId("fgw"), "市发改委");

    private static EscalationEvent Event() =>
        ExportData.Notice("overdue:2026-05-29", "swj", new NodaTime.LocalDate(2026, 6, 2), unitName: "市商务局") is var e
            ? e with { Recipients = [.. e.Recipients, NamedPerson, OtherUnitsHead] }
            : throw new InvalidOperationException();

    [Fact]
    public void Log_RoundTripsNamedAndOtherUnitRecipients()
    {
        var e = Event();

        var read = EscalationLog.FromEntity(EscalationLog.ToEntity(e, LogStatus.Logged, null, ExportData.Now, ExportData.Now)).Event;

        Assert.Equal(e.Recipients, read.Recipients);
    }

    [Fact]
    public void Log_WritesRecipientsWithoutUnitFields_WhenTheyAreRolesOfTheItemsUnit()
    {
        var e = ExportData.Notice("lag:2026-05", "fgw", new NodaTime.LocalDate(2026, 6, 2));

        var json = EscalationLog.ToEntity(e, LogStatus.Logged, null, ExportData.Now, ExportData.Now).GetString("Recipients");

        Assert.Equal("""[{"Role":"UnitPrincipal","Person":"fgw-zhang","Copy":false},{"Role":"SupervisionOffice","Person":"dcs-office","Copy":true}]""", json);
    }

    [Fact]
    public void Log_ReadsARowWrittenBeforeNamedRecipients()
    {
        var entity = EscalationLog.ToEntity(ExportData.Notice("lag:2026-05", "fgw", new NodaTime.LocalDate(2026, 6, 2)), LogStatus.Logged, null, ExportData.Now, ExportData.Now);
        entity["Recipients"] = """[{"Role":"UnitPrincipal","Person":"fgw-zhang","Copy":false}]""";

        var read = EscalationLog.FromEntity(entity).Event;

        Assert.Equal([new Recipient(RecipientRole.UnitPrincipal, new PersonId("fgw-zhang"), false)], read.Recipients);
    }

    [Fact]
    public void Ledger_RoundTripsTheNamedRole()
    {
        var delivery = Delivery.Open(Event(), Channel.Email, NamedPerson, ExportData.Now);

        var read = DeliveryLedger.FromEntity(DeliveryLedger.ToEntity(delivery));

        Assert.Equal((RecipientRole.Named, new PersonId("sjj-liu")), (read.Role, read.Person));
    }

    [Fact]
    public void Export_NamesTheOtherUnitWithTheRole_AndTheNamedPerson()
    {
        var row = LogExport.Row(new LogEntry(Event(), LogStatus.Logged, null, ExportData.Now, ExportData.Now), []);

        var header = LogExport.Headers.ToList();
        Assert.Equal("主要负责人(swj-zhang)、指定人员(sjj-liu)", row[header.IndexOf("送达对象")]);
        Assert.Equal("督查室(dcs-office)、市发改委主要负责人(fgw-chen)", row[header.IndexOf("抄送")]);
    }

    [Fact]
    public void EventLine_CarriesTheNamedRoleAndTheOtherUnit()
    {
        using var line = JsonDocument.Parse(EventLine.Of(Event()));

        var recipients = line.RootElement.GetProperty("recipients").EnumerateArray().ToList();
        Assert.Equal("named", recipients[2].GetProperty("role").GetString());
        Assert.False(recipients[2].TryGetProperty("unit", out _));
        Assert.Equal(("unit-principal", "fgw", "市发改委"), (recipients[3].GetProperty("role").GetString(), recipients[3].GetProperty("unit").GetString(), recipients[3].GetProperty("unitName").GetString()));
    }
}
