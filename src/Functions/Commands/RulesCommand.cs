using Escalation.Domain.Rules;
using Escalation.Domain.Wording;

namespace Escalation.Functions.Commands;

/// <summary><c>rules</c>: the shipped rule ladder as admins will see it, validated; one tab-separated line per rule, in Chinese.</summary>
internal static class RulesCommand
{
    public static int Run(TextWriter stdout, TextWriter stderr)
    {
        stdout.WriteLine("编号\t级别\t触发条件\t发送给\t抄送\t渠道\t模板\t重复\t要求\t名称");
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

            var demand = rule.Demand is { } d ? ChineseNames.Of(d) : "";
            stdout.WriteLine(string.Join('\t',
                rule.Id, ChineseNames.Of(rule.Level), ChineseNames.Of(rule.Trigger) + (rule.Scan == ScanSlot.Afternoon ? "（下午扫描）" : ""),
                string.Join('、', rule.To.Select(r => ChineseNames.Of(r))), string.Join('、', rule.Copy.Select(r => ChineseNames.Of(r))),
                string.Join('、', rule.Channels.Select(ChineseNames.Of)), rule.Template, ChineseNames.Of(rule.Repeat), demand, rule.Name));
        }

        return failed ? Cli.DataError : Cli.Ok;
    }
}
