using System.Net;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Items;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Host;
using static Escalation.Functions.Tests.Web.WebHarness;

namespace Escalation.Functions.Tests.Web;

/// <summary>
/// The board of the sample city on Monday 2026-06-01, as the office sees it: filters, paging, counts per light, and
/// lights equal to what the evaluator and the indicator definitions decide, read independently here from the store.
/// </summary>
public sealed class BoardPageTests
{
    private static readonly string Office = PrincipalOf("市政府督查室", "dcs@szf.gov.example");

    [Fact]
    public async Task Board_ShowsEveryTaskWithTheEvaluatorsLight_ForTheSampleCity()
    {
        await using var web = await Serve();
        var expected = await TaskLights(web.Tables);

        var rows = await AllRows(web, "/board?kind=task");

        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), rows.Select(r => KeyValuePair.Create(r.Id, r.Light)).OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.Contains(rows, r => r.Light == "red");
        Assert.Contains(rows, r => r.Light == "green");
    }

    [Fact]
    public async Task Board_ShowsEachUnitsLatestIndicatorValueWithTheDefinitionsLight_ForTheSampleCity()
    {
        await using var web = await Serve();
        var expected = await IndicatorLights(web.Tables);

        var rows = await AllRows(web, "/board?kind=indicator");

        Assert.NotEmpty(expected);
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), rows.Select(r => KeyValuePair.Create(r.Id + "/" + r.Unit, r.Light)).OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Board_CountsEachLight_OverTheRowsTheOtherFiltersKeep()
    {
        await using var web = await Serve();
        var all = await AllRows(web, "/board");

        var first = await web.Get("/board", Office);
        var fgw = await web.Get("/board?unit=fgw", Office);

        Assert.Equal((Count(all, "red"), Count(all, "yellow"), Count(all, "green"), Count(all, "none")), first.Counts);
        var fgwRows = all.Where(r => r.Unit == "fgw").ToList();
        Assert.Equal((Count(fgwRows, "red"), Count(fgwRows, "yellow"), Count(fgwRows, "green"), Count(fgwRows, "none")), fgw.Counts);
    }

    [Theory]
    [InlineData("kind=task&light=red", "task", "red")]
    [InlineData("kind=indicator&light=green", "indicator", "green")]
    [InlineData("light=yellow", null, "yellow")]
    [InlineData("kind=task&light=none", "task", "none")]
    public async Task Board_KeepsOnlyTheRowsOfTheKindAndLight_WhenFiltered(string query, string? kind, string light)
    {
        await using var web = await Serve();
        var all = await AllRows(web, "/board");

        var rows = await AllRows(web, "/board?" + query);

        Assert.Equal(all.Where(r => (kind is null || r.Kind == kind) && r.Light == light).Select(r => r.Id + "/" + r.Unit), rows.Select(r => r.Id + "/" + r.Unit));
    }

    [Fact]
    public async Task Board_ShowsFiftyRowsAPageInBoardOrder_AndTheRestOnTheNextPages()
    {
        await using var web = await Serve();

        var first = await web.Get("/board", Office);
        var all = await AllRows(web, "/board");

        Assert.True(all.Count > 50, $"the sample city has {all.Count} rows");
        Assert.Equal(50, first.Rows.Count);
        Assert.Equal(all.Take(50), first.Rows);
        Assert.Equal(all.Count, all.Distinct().Count());
        var order = all.Select(r => r.Light switch { "red" => 0, "yellow" => 1, "green" => 2, _ => 3 }).ToList();
        Assert.Equal(order.Order(), order);
        Assert.Contains("href=\"/board?page=2\"", first.Body, StringComparison.Ordinal);
        Assert.Contains($"data-pages=\"{(all.Count + 49) / 50}\"", first.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kind=project")]
    [InlineData("light=blue")]
    [InlineData("page=0")]
    [InlineData("page=abc")]
    [InlineData("unit=a%2Fb")]
    public async Task Board_Answers400InChinese_WhenAFilterIsInvalid(string query)
    {
        await using var web = await Serve();

        var page = await web.Get("/board?" + query, Office);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("筛选条件无效", page.Body, StringComparison.Ordinal);
        Assert.Empty(page.Rows);
    }

    [Fact]
    public async Task UnitPage_ListsTheUnitsItemsAndItsComingDeadlines()
    {
        await using var web = await Serve();

        var page = await web.Get("/units/fgw", Office);
        var board = await AllRows(web, "/board?unit=fgw");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(board, page.Rows);
        Assert.Contains("data-testid=\"unit-title\" data-unit=\"fgw\"", page.Body, StringComparison.Ordinal);
        // The default cadence (旬) makes a report due on 2026-06-10, within the page's 30 days.
        Assert.Contains("<tr data-testid=\"deadline\"><td>2026-06-10</td>", page.Body, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"cases-none\"", page.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/units/nosuchunit")]
    [InlineData("/board?unit=nosuchunit")]
    public async Task Page_Answers404_ForAUnitThatDoesNotExist(string path)
    {
        await using var web = await Serve();

        var page = await web.Get(path, Office);

        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Contains("没有这个单位", page.Body, StringComparison.Ordinal);
    }

    private static int Count(IEnumerable<(string Kind, string Id, string Unit, string Light)> rows, string light) => rows.Count(r => r.Light == light);

    /// <summary>Every row of every page of the view.</summary>
    private static async Task<List<(string Kind, string Id, string Unit, string Light)>> AllRows(WebHarness web, string path)
    {
        var rows = new List<(string, string, string, string)>();
        for (var page = 1; ; page++)
        {
            var answer = await web.Get(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "page=" + page, Office);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            rows.AddRange(answer.Rows);
            if (!answer.Body.Contains("data-testid=\"page-next\"", StringComparison.Ordinal))
            {
                return rows;
            }
        }
    }

    /// <summary>Each task's light as the evaluator decides it today (no light for an inactive task or an unusable plan).</summary>
    private static async Task<Dictionary<string, string>> TaskLights(IEntityTables tables)
    {
        var read = new DailyRead(tables, new NodaTime.Testing.FakeClock(HandlerHarness.ScanTime), HandlerHarness.Zone);
        var (configuration, _) = await read.ConfigurationUnrecorded();
        var today = configuration.Calendar.DateAt(HandlerHarness.ScanTime);
        var evaluator = new Evaluator(configuration.Calendar, configuration.Rules, configuration.Roster, configuration.Options);
        var lights = new Dictionary<string, string>();
        foreach (var unit in configuration.Roster.Units.Keys)
        {
            var (items, _) = await read.Unit(configuration, unit);
            foreach (var item in items)
            {
                var light = item.Item.Status == ItemStatus.Active ? evaluator.Snapshot(item, today)?.Light : null;
                lights[item.Item.Id.Value] = light?.ToString().ToLowerInvariant() ?? "none";
            }
        }

        return lights;
    }

    /// <summary>Each unit's latest published value of each indicator, lit by its definition.</summary>
    private static async Task<Dictionary<string, string>> IndicatorLights(IEntityTables tables)
    {
        var read = new DailyRead(tables, new NodaTime.Testing.FakeClock(HandlerHarness.ScanTime), HandlerHarness.Zone);
        var (configuration, _) = await read.ConfigurationUnrecorded();
        var today = configuration.Calendar.DateAt(HandlerHarness.ScanTime);
        var lights = new Dictionary<string, string>();
        foreach (var definition in configuration.Indicators.Definitions.Values)
        {
            var (inputs, _) = await read.Indicator(configuration, definition.Id);
            foreach (var latest in inputs.Values.Where(v => v.Published <= today).GroupBy(v => v.Unit)
                .Select(g => g.MaxBy(v => (v.Period.Year, v.Period.Number))!))
            {
                lights[definition.Id.Value + "/" + latest.Unit.Value] = definition.LightOf(latest.Value, latest.Period)?.ToString().ToLowerInvariant() ?? "none";
            }
        }

        return lights;
    }
}
