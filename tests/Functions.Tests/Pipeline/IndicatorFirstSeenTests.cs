using Azure;
using Escalation.Domain.Events;
using Escalation.Domain.Rules;
using Escalation.Functions.Import;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.EndToEnd;
using Escalation.Functions.Tests.Import;
using NodaTime;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// First-seen for indicators: the import records the day it first finds an indicator (under its owner, RowKey
/// <c>ind:{indicator}</c> of the firstseen table), or else the first run that evaluates it does; lag streaks count only
/// values published from that day, unless GoLive is set, which wins. Data: EndToEnd/Scenarios/indicator-rank-lag
/// (市发改委's 固定资产投资增速, 保四: 5th or worse lags; rules I1 reminder at 1 period, I2 notice at 2, I3 summons at 3).
/// </summary>
public sealed class IndicatorFirstSeenTests : IDisposable
{
    //  2025   Mo Tu We Th Fr
    //  Mar       18             1–2月 published, 3rd: not lagging
    //  Apr                17    1–3月 published, 6th: lagging
    //  May       20             1–4月 published, 5th: lagging
    //  Jun    16 17             1–5月 published, 7th: lagging (three periods running, counted from the start)
    private static readonly Instant April17 = Sandbox.At(2025, 4, 17, 8, 30);
    private static readonly Instant May20 = Sandbox.At(2025, 5, 20, 8, 30);
    private static readonly Instant June17 = Sandbox.At(2025, 6, 17, 8, 30);

    private readonly TempFolder _temp = new();

    private static string RankLag => SimulatedRun.Scenario("indicator-rank-lag");

    [Fact]
    public async Task FirstRun_StartsAtTheBottomOfTheLadder_WhenAYearOfLaggingValuesIsImportedAtOnceWithoutGoLive()
    {
        using var sandbox = await Sandbox.WithData(RankLag, June17, imported: Sandbox.At(2025, 6, 17, 8, 0));

        var logged = await Cycle(sandbox, June17);

        var reminder = Assert.Single(logged);
        Assert.Equal(("I1", EventLevel.Reminder, 1, "ind-lag:fgw/2025-05"), (reminder.Rule.Value, reminder.Level, reminder.Facts.Streak, reminder.Occurrence));
        Assert.Equal(("2025-06-17", "Import", "ind:gdtz-zs"), await Stored(sandbox));
    }

    [Fact]
    public async Task FirstRun_CountsTheHistoryFromGoLive_WhenGoLiveIsSet()
    {
        // GoLive 2025-05-01: 1–4月 (published 05-20) and 1–5月 count, 1–3月 (published 04-17) does not: two periods, a notice.
        var data = _temp.CopyOf(RankLag, "golive");
        File.AppendAllText(Path.Combine(data, "settings.csv"), "GoLive,2025-05-01,上线日期\n");
        using var sandbox = await Sandbox.WithData(data, June17, imported: Sandbox.At(2025, 6, 17, 8, 0));

        var logged = await Cycle(sandbox, June17);

        var notice = Assert.Single(logged);
        Assert.Equal(("I2", EventLevel.Notice, 2, "ind-lag:fgw/2025-05"), (notice.Rule.Value, notice.Level, notice.Facts.Streak, notice.Occurrence));
        Assert.Equal(("2025-06-17", "Import", "ind:gdtz-zs"), await Stored(sandbox));
    }

    [Fact]
    public async Task LaterRuns_CountFromTheImportDay_WhichAnotherImportDoesNotMove()
    {
        using var sandbox = await Sandbox.WithData(RankLag, April17, imported: Sandbox.At(2025, 4, 17, 8, 0));

        var april = await Cycle(sandbox, April17);
        sandbox.Clock.AdvanceTo(Sandbox.At(2025, 5, 20, 8, 0));
        await new Importer(sandbox.Tables, sandbox.Clock, Sandbox.Zone).Import(ImportSource.Read(RankLag));
        var may = await Cycle(sandbox, May20);

        Assert.Equal([("I1", 1)], april.Select(e => (e.Rule.Value, e.Facts.Streak)));
        Assert.Equal([("I2", 2)], may.Select(e => (e.Rule.Value, e.Facts.Streak)));
        Assert.Equal(("2025-04-17", "Import", "ind:gdtz-zs"), await Stored(sandbox));
    }

    [Fact]
    public async Task Run_RecordsTheDayItFirstEvaluatesAnIndicatorWithoutADate_AndTheNextRunCountsFromIt()
    {
        // An indicator stored without a first-seen date (written by hand, or before the table existed).
        using var sandbox = await Sandbox.WithData(RankLag, May20, imported: Sandbox.At(2025, 4, 17, 8, 0));
        var table = await sandbox.Tables.Table(FirstSeenDates.TableName);
        Assert.True(await table.Delete("fgw", "ind:gdtz-zs", ETag.All));

        var may = await Cycle(sandbox, May20);
        var recorded = await Stored(sandbox);
        var june = await Cycle(sandbox, June17);

        Assert.Equal([("I1", 1, "ind-lag:fgw/2025-04")], may.Select(e => (e.Rule.Value, e.Facts.Streak, e.Occurrence)));
        Assert.Equal(("2025-05-20", "Evaluation", "ind:gdtz-zs"), recorded);
        Assert.Equal([("I2", 2, "ind-lag:fgw/2025-05")], june.Select(e => (e.Rule.Value, e.Facts.Streak, e.Occurrence)));
        Assert.Equal(recorded, await Stored(sandbox));
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>One daily cycle as <c>run</c> does it (scan, units, indicators, sending): the events it logged.</summary>
    private static async Task<List<EscalationEvent>> Cycle(Sandbox sandbox, Instant at)
    {
        var local = sandbox.Local();
        var logged = new List<EscalationEvent>();
        local.OnLogged(logged.Add);
        await sandbox.Cycle(local, at);
        return logged;
    }

    /// <summary>The indicator's first-seen row: its date, who recorded it, and the item it names.</summary>
    private static async Task<(string? Date, string? Source, string? Item)> Stored(Sandbox sandbox)
    {
        var table = await sandbox.Tables.Table(FirstSeenDates.TableName);
        var row = Assert.IsType<Azure.Data.Tables.TableEntity>(await table.Find("fgw", "ind:gdtz-zs"));
        return (row.GetString("FirstSeen"), row.GetString("Source"), row.GetString("Task"));
    }
}
