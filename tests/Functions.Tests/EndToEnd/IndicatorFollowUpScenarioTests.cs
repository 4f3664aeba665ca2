using Escalation.Functions.Tests.Import;

namespace Escalation.Functions.Tests.EndToEnd;

/// <summary>
/// The follow-up of an indicator notice through <c>simulate</c>: the scenario indicator-rank-lag with R7 (说明逾期约谈) and
/// R15 (未签收提醒) added (scenario folder EndToEnd/Scenarios/indicator-follow-up). Nobody signs or answers in a simulation,
/// so the notice is chased for its signature and its explanation, once each, and the summons for its signature, as a task notice is.
/// </summary>
public sealed class IndicatorFollowUpScenarioTests : IDisposable
{
    private readonly TempFolder _temp = new();

    //  2025   Mo Tu We Th Fr Sa Su
    //  May    19 20 21 22 23 24 25     Tu 20: I2 notice to fgw (explanation by Tu 27), delivered; We 21: R15 chase
    //         26 27 28 29              Tu 27: the explanation's due date; We 28: R7 summons (itself signable); Th 29: its R15 chase
    [Fact]
    public void Simulate_ChasesTheIndicatorNoticesSignatureAndItsOverdueExplanation_OnceEach_ThenTheSummonsSignature()
    {
        var run = SimulatedRun.Of(_temp, "indicator-follow-up", "2025-03-17", "2025-06-06");

        var notice = Assert.Single(run.OfRule("I2"));
        var summons = Assert.Single(run.OfRule("R7"));
        var chases = run.OfRule("R15");
        Assert.Equal(["unsigned:" + notice.EventId, "unsigned:" + summons.EventId], chases.Select(c => c.Occurrence));
        var chase = chases[0];
        Assert.Equal(("2025-05-21", "unsigned", "ind:gdtz-zs", "fgw", "unsigned:" + notice.EventId), (chase.Date, chase.Kind, chase.TaskId, chase.UnitId, chase.Occurrence));
        Assert.Equal(("2025-05-28", "summons", "demand-overdue", "ind:gdtz-zs", "fgw", "demand:" + notice.EventId), (summons.Date, summons.Level, summons.Kind, summons.TaskId, summons.UnitId, summons.Occurrence));
        Assert.Equal([new PrintedRecipient("unit-principal", "fgw-zhao", false), new PrintedRecipient("deputy-in-charge", "fgw-qian", false)], summons.Recipients);
        Assert.Equal("固定资产投资增速", summons.TaskTitle);
    }

    public void Dispose() => _temp.Dispose();
}
