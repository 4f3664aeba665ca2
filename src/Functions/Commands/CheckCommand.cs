using Escalation.Domain.Evaluation;
using Escalation.Domain.Problems;
using Escalation.Domain.Wording;
using Escalation.Functions.Local;
using Escalation.Functions.Storage;
using NodaTime;

namespace Escalation.Functions.Commands;

/// <summary>
/// <c>check</c>: reads, validates and evaluates every table as the daily run does today (sending nothing), each unit and
/// each indicator (its values, exemptions and ranking groups, under its scope <c>ind:{indicator}</c>), records the
/// problems in the problems table (resolving the ones fixed since), and prints them. It reconciles exactly what the
/// daily run reconciles, so a problem the run still finds (an item needing a year without calendar) stays open. Exit
/// code 0 when the tables are clean, 1 when problems remain.
/// </summary>
internal static class CheckCommand
{
    public static int Run(Options options, Settings settings, Func<string, string?> setting, IClock clock, TextWriter stdout, TextWriter stderr)
    {
        var (tables, error) = StoreSettings.Open(options, setting, clock);
        if (tables is null)
        {
            stderr.WriteLine(error);
            return Cli.UsageError;
        }

        // The robots' webhooks and secrets: the settings; in local mode (the embedded store) also the secrets file, as the
        // local senders read them.
        var local = tables is SqliteTables;
        Func<string, string?> robotSetting = setting;
        if (local)
        {
            IReadOnlyDictionary<string, string> secrets;
            try
            {
                secrets = LocalSecrets.Read(EngineSettings.DefaultSecretsFile);
            }
            catch (InvalidOperationException e)
            {
                stderr.WriteLine($"错误：{e.Message}");
                return Cli.UsageError;
            }

            robotSetting = key => setting(key) ?? secrets.GetValueOrDefault(key);
        }

        var read = new DailyRead(tables, clock, settings.Zone);
        var gateway = SmsGatewaySettings.From(setting, []);
        var (found, items, indicators, resolved, gaps) = Check(read, tables, gateway, robotSetting, local, clock).GetAwaiter().GetResult();
        var checkedItems = indicators > 0 ? $"可用任务 {items} 项、指标 {indicators} 个" : $"可用任务 {items} 项";
        stdout.WriteLine(found.Count == 0
            ? $"已检查 {tables.Describe}：{checkedItems}，没有问题；自上次检查以来已解决 {resolved} 个问题。"
            : $"已检查 {tables.Describe}：{checkedItems}，仍有 {found.Count} 个问题（已记入 problems 表，改正后再次检查即标为已解决）；自上次检查以来已解决 {resolved} 个问题。");
        foreach (var problem in found)
        {
            stdout.WriteLine($"  {ProblemText.Render(problem)}");
        }

        CalendarGapReport.Print(gaps, stdout);
        var (engine, _) = EngineSettings.From(setting);
        foreach (var warning in engine?.ScheduleWarnings(clock.GetCurrentInstant(), settings.Zone) ?? [])
        {
            stdout.WriteLine(warning);
        }

        return found.Count == 0 ? Cli.Ok : Cli.DataError;
    }

    private static async Task<(List<Problem> Found, int Items, int Indicators, int Resolved, List<CalendarGap> Gaps)> Check(
        DailyRead read, IEntityTables tables, SmsGatewaySettings gateway, Func<string, string?> robotSetting, bool local, IClock clock)
    {
        var day = await read.Configuration().ConfigureAwait(false);
        var found = day.Problems.ToList();
        var items = 0;
        var resolved = 0;
        var gaps = new List<CalendarGap>();

        // With a mainland gateway every SMS is an approved template: the rules' SMS must be covered by smstemplates rows.
        // Only check looks at this (the daily run does not know the provider's rows are incomplete until a send is
        // refused), so it has a scope of its own that the daily run never reconciles.
        var coverage = gateway.IsGateway
            ? SmsTemplateCoverage.Problems(day.Configuration.Rules, day.Configuration.SmsTemplates, gateway.ProviderName)
            : [];
        resolved += (await new ProblemLog(tables).Reconcile(ProblemLog.SmsGatewayScope, coverage, clock.GetCurrentInstant()).ConfigureAwait(false)).Resolved;
        found.AddRange(coverage);

        // The robots' webhooks and DingTalk security are settings, not table rows: only check looks at them (the daily run
        // finds out when a post fails), under a scope of their own.
        var robots = RobotSettingsCheck.Problems(day.Configuration.Robots, robotSetting, local);
        resolved += (await new ProblemLog(tables).Reconcile(ProblemLog.RobotSettingsScope, robots, clock.GetCurrentInstant()).ConfigureAwait(false)).Resolved;
        found.AddRange(robots);
        if (!day.CanEvaluate)
        {
            // The daily run stops on such a day (the problem above says so), and so does check: the units' scopes are left
            // as the last run found them.
            return (found, items, 0, resolved, gaps);
        }

        foreach (var unit in day.Configuration.Roster.Units.Keys.OrderBy(u => u.Value, StringComparer.Ordinal))
        {
            var unitCheck = await read.Evaluate(day.Configuration, unit, day.Today).ConfigureAwait(false);
            items += unitCheck.Items.Count;
            // A problem several units run into (a rule's own fault, found per unit) is listed once.
            found.AddRange(unitCheck.Problems.Where(p => !found.Contains(p)));
            resolved += unitCheck.Recorded.Resolved;
            gaps.AddRange(unitCheck.Result.CalendarGaps);
        }

        // Each usable indicator as its daily step reads and judges it (its values, exemptions and groups), reconciled under
        // its own scope (ind:{indicator}); a definition's own problems are the configuration's, above.
        var indicators = day.Configuration.Indicators.Definitions.Keys.OrderBy(i => i.Value, StringComparer.Ordinal).ToList();
        foreach (var indicator in indicators)
        {
            var (assessed, recorded) = await read.EvaluateIndicator(day.Configuration, indicator, day.Today).ConfigureAwait(false);
            found.AddRange(assessed.Problems.Where(p => !found.Contains(p)));
            resolved += recorded.Resolved;
        }

        return (found, items, indicators.Count, resolved, gaps);
    }
}
