using System.Globalization;
using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using Escalation.Domain.Wording;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using NodaTime;

namespace Escalation.Functions.Web.Feeds;

/// <summary>One all-day entry of a feed: its day, a UID that stays the same from fetch to fetch, and the Chinese text.</summary>
internal sealed record FeedEntry(LocalDate Date, string Uid, string Summary, string Description, string? Link);

/// <summary>What a feed lists: tasks, and open demands with the unit that owes each.</summary>
internal sealed record FeedScopeItems(IReadOnlyList<BoardTask> Tasks, IReadOnlyList<(UnitId Owing, OwedDemand Demand)> Demands);

/// <summary>
/// What a calendar feed lists (decided from the board's model, so that the feed says what the pages say), and the feed as
/// iCalendar (Ical.Net): all-day events for each milestone and the deadline of the tasks in scope, their coming report
/// due dates (the task's cadence, rolled to a working day as the unit page shows them, up to <see cref="ReportHorizonDays"/>
/// days ahead and not past the deadline), and the due dates of the demands still open.
/// <para>In scope: a unit feed, the unit's tasks and the demands it owes. A personal feed, the tasks the person owns (具体责任人)
/// and, for a unit's principal or deputy in charge (主要负责人、分管负责人), every task of that unit and the demands it owes, as
/// those are the items their messages are about. Milestones and report dates only for active tasks.</para>
/// </summary>
internal static class FeedCalendar
{
    /// <summary>How far ahead report due dates are listed.</summary>
    public const int ReportHorizonDays = 92;

    public const string ProductId = "-//Escalation//Duban calendar feeds 1.0//ZH";

    /// <summary>The tasks and the open demands (with the unit that owes each) <paramref name="feed"/> lists for <paramref name="viewer"/>, its creator.</summary>
    public static FeedScopeItems Scope(BoardSnapshot board, Feed feed, Viewer viewer)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(viewer);
        var units = new HashSet<UnitId>();
        if (feed.Scope == FeedScope.Unit && feed.Unit is { } unit)
        {
            units.Add(unit);
        }
        else
        {
            units.UnionWith(board.Configuration.Roster.Units.Values.Where(u => u.Principal == feed.Person || u.DeputyInCharge == feed.Person).Select(u => u.Id));
        }

        units.RemoveWhere(u => !viewer.CanSee(u));
        var tasks = board.Items.OfType<BoardTask>()
            .Where(t => viewer.CanSee(t.Unit) && (units.Contains(t.Unit) || (feed.Scope == FeedScope.Person && t.Owner == feed.Person)))
            .OrderBy(t => t.Unit.Value, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal)
            .ToList();

        // Demands owed by the units in scope, and, for a personal feed, those about the person's own tasks.
        var own = tasks.Select(t => (t.Unit, t.Id)).ToHashSet();
        var demands = board.Demands.OrderBy(d => d.Key.Value, StringComparer.Ordinal)
            .Where(d => viewer.CanSee(d.Key))
            .SelectMany(d => d.Value.Where(x => units.Contains(d.Key) || (feed.Scope == FeedScope.Person && own.Contains((x.LogUnit, x.Item)))).Select(x => (Owing: d.Key, Demand: x)))
            .ToList();
        return new FeedScopeItems(tasks, demands);
    }

    /// <summary>The entries of the items in scope, in date order; <paramref name="references"/> maps a notice's event id to its 文号.</summary>
    public static IReadOnlyList<FeedEntry> Entries(BoardSnapshot board, FeedScopeItems scope, IReadOnlyDictionary<string, string> references, string? baseUrl)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(references);
        var entries = new List<FeedEntry>();
        var calendar = board.Configuration.Calendar;
        foreach (var task in scope.Tasks.Where(t => t.Status == ItemStatus.Active))
        {
            var link = baseUrl is null ? null : $"{baseUrl}/tasks/{Uri.EscapeDataString(task.Unit.Value)}/{Uri.EscapeDataString(task.Id)}";
            var about = $"{task.UnitName} · {task.Title}（{task.Id}）";
            foreach (var checkpoint in task.Checkpoints)
            {
                var what = checkpoint.IsDeadline ? "完成时限" : $"节点：{checkpoint.Name}";
                entries.Add(new FeedEntry(checkpoint.Due, Uid(checkpoint.IsDeadline ? "deadline" : "milestone", task, checkpoint.Due),
                    $"【{what}】{task.Title}", $"{about}\n{what}，目标进度 {Html.Number(checkpoint.Target)}%。", link));
            }

            if (task.Checkpoints.Count == 0)
            {
                // A task whose plan cannot be laid still has its deadline.
                entries.Add(new FeedEntry(task.Deadline, Uid("deadline", task, task.Deadline), $"【完成时限】{task.Title}", $"{about}\n完成时限。", link));
            }

            var last = LocalDate.Min(task.Deadline, board.Today.PlusDays(ReportHorizonDays));
            for (var from = board.Today; task.Cadence?.NextDueOnOrAfter(from, task.Start) is { } due && due <= last; from = due.PlusDays(1))
            {
                var rolled = calendar.IsLoaded(due.Year) ? calendar.WorkingDayOnOrAfter(due) : due;
                entries.Add(new FeedEntry(rolled, Uid("report", task, due), $"【进度报送截止】{task.Title}",
                    $"{about}\n进度报送截止：请在当天前报送完成进度（报送期截止 {Html.Date(due)}，遇节假日顺延至工作日）。", link));
            }
        }

        foreach (var (owing, demand) in scope.Demands)
        {
            var reference = references.GetValueOrDefault(demand.Notice);
            var what = ChineseNames.Of(demand.Kind);
            var owingName = board.Configuration.Roster.Units.TryGetValue(owing, out var u) ? u.Name : owing.Value;
            entries.Add(new FeedEntry(demand.DueBy, $"demand.{owing.Value}.{demand.Notice}.{demand.Kind.ToString().ToLowerInvariant()}@escalation",
                $"【{what}时限】{demand.ItemTitle}",
                $"{owingName}应于 {Html.Date(demand.DueBy)} 前提交{what}（{reference ?? "通报编号 " + demand.Notice}）。\n事项：{demand.ItemTitle}（{demand.Item}）",
                baseUrl is null ? null : $"{baseUrl}/notices/{Uri.EscapeDataString(demand.Notice)}"));
        }

        return [.. entries.OrderBy(e => e.Date).ThenBy(e => e.Uid, StringComparer.Ordinal)];
    }

    /// <summary>The feed as iCalendar text: one all-day VEVENT per entry, the link in URL and at the end of DESCRIPTION.</summary>
    public static string Serialize(string name, IReadOnlyList<FeedEntry> entries, Instant stamp)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var calendar = new Ical.Net.Calendar { ProductId = ProductId, Method = "PUBLISH" };
        calendar.AddProperty("X-WR-CALNAME", name);
        calendar.AddProperty("X-PUBLISHED-TTL", "PT6H");
        var dtstamp = new CalDateTime(stamp.ToDateTimeUtc(), "UTC", true);
        foreach (var entry in entries)
        {
            var start = new CalDateTime(entry.Date.Year, entry.Date.Month, entry.Date.Day);
            calendar.Events.Add(new CalendarEvent
            {
                Uid = entry.Uid,
                DtStamp = dtstamp,
                Start = start,
                End = start.AddDays(1),
                Summary = entry.Summary,
                Description = entry.Link is null ? entry.Description : entry.Description + "\n" + entry.Link,
                Url = entry.Link is null ? null : new Uri(entry.Link),
                Transparency = "TRANSPARENT",
            });
        }

        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }

    private static string Uid(string kind, BoardTask task, LocalDate date) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}.{task.Unit.Value}.{task.Id}.{date:yyyyMMdd}@escalation");
}
