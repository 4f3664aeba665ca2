using Escalation.Domain.Rules;

namespace Escalation.Functions.Commands;

/// <summary><c>rules</c>: the shipped rule ladder as admins will see it, validated.</summary>
internal static class RulesCommand
{
    public static int Run(TextWriter stdout, TextWriter stderr)
    {
        stdout.WriteLine("Id\tLevel\tTrigger\tTo\tCopy\tChannels\tTemplate\tRepeat\tDemand\tName");
        var failed = false;
        foreach (var row in DefaultRules.Rows)
        {
            var (rule, problems) = row.Parse();
            foreach (var problem in problems)
            {
                stderr.WriteLine(problem);
                failed = true;
            }

            if (rule is null)
            {
                continue;
            }

            var trigger = rule.Trigger.Kind switch
            {
                TriggerKind.DueSoon => $"due-soon {rule.Trigger.WorkingDays} working days ({rule.Trigger.Scope})",
                TriggerKind.LagStreak => $"lag-streak >= {rule.Trigger.MinStreak} ({rule.Trigger.Period})",
                _ => rule.Trigger.Kind.ToString(),
            };
            var demand = rule.Demand is { } d ? $"{d.Kind} in {d.WorkingDays} working days" : "";
            stdout.WriteLine(string.Join('\t',
                rule.Id, rule.Level, trigger, string.Join(',', rule.To), string.Join(',', rule.Copy),
                string.Join(',', rule.Channels), rule.Template, rule.Repeat.Kind, demand, rule.Name));
        }

        return failed ? Cli.DataError : Cli.Ok;
    }
}
