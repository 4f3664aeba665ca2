using Escalation.Domain.Catalog;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Functions.Commands;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Import;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.CommandLine;

/// <summary>
/// <c>check</c> and the group robots' settings, which no table holds: a robot without its webhook setting, and a DingTalk
/// robot with neither a keyword nor a signing secret (DingTalk refuses posts that meet no security setting), are reported
/// in Chinese naming the robot, its group, the setting and where to put it (the secrets file locally, the deployment's
/// Key Vault in Azure), and kept in the problems table under their own scope until fixed.
/// </summary>
public sealed class RobotSettingsCheckTests : IDisposable
{
    private static readonly Instant MondayMorning = Instant.FromUtc(2026, 6, 1, 2, 0);

    private static readonly Dictionary<UnitId, string> Units = new() { [new UnitId("zjj")] = "市住房城乡建设局" };

    private readonly TempFolder _files = new();
    private readonly FakeClock _clock = new(MondayMorning, Duration.FromMilliseconds(1));

    public void Dispose() => _files.Dispose();

    [Fact]
    public void WeComRobotWithoutWebhook_Locally_NamesTheRobotTheSettingTheSecretsFileAndTheOutboxLog()
    {
        var robots = Robots(new RobotRow("zjj", "zjj", "wecom"));

        var problem = Assert.Single(RobotSettingsCheck.Problems(robots, _ => null, local: true));

        Assert.Equal(("robots", "zjj", "Webhook", (string?)null), (problem.Table, problem.Key, problem.Field, problem.Value));
        Assert.StartsWith("市住房城乡建设局企业微信群机器人（编号 zjj）没有 Webhook：设置 Escalation__Robots__zjj__Webhook 没有填，密钥文件 .local/secrets.json 中也没有。", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("只写入发件箱的 wecom.log", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("{\"Escalation__Robots__zjj__Webhook\": \"https://…\"}", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RobotWithoutWebhook_InAzure_SaysHowTheDeploymentPutsItInKeyVault()
    {
        var robots = Robots(new RobotRow("office", "督查室", "dingtalk", Keyword: "督办"));

        var problem = Assert.Single(RobotSettingsCheck.Problems(robots, _ => null, local: false));

        Assert.Equal(("robots", "office", "Webhook"), (problem.Table, problem.Key, problem.Field));
        Assert.StartsWith("督查室钉钉群机器人（编号 office）没有 Webhook：应用设置 Escalation__Robots__office__Webhook 没有设置，这个机器人的消息发不出去", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("部署参数 robotIds 加上「office」", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("Key Vault", problem.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("secrets.json", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DingTalkRobotWithNeitherKeywordNorSecret_IsReported_AndEitherOneIsEnough()
    {
        var robots = Robots(new RobotRow("office", "督查室", "dingtalk"));
        var webhookOnly = Settings(("Escalation__Robots__office__Webhook", "https://oapi.dingtalk.com/robot/send?access_token=t"));

        var problem = Assert.Single(RobotSettingsCheck.Problems(robots, webhookOnly, local: true));
        var azure = Assert.Single(RobotSettingsCheck.Problems(robots, webhookOnly, local: false));

        Assert.Equal(("robots", "office", "Keyword"), (problem.Table, problem.Key, problem.Field));
        Assert.StartsWith("督查室钉钉群机器人（编号 office）既没有关键词（本表 Keyword 列），也没有加签密钥（设置 Escalation__Robots__office__Secret）。", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("310000", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("密钥文件 .local/secrets.json", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("部署参数 signedRobotIds（加上「office」）", azure.Reason, StringComparison.Ordinal);

        var signed = Settings(("Escalation__Robots__office__Webhook", "t"), ("Escalation__Robots__office__Secret", "SEC0123"));
        Assert.Empty(RobotSettingsCheck.Problems(robots, signed, local: true));
        Assert.Empty(RobotSettingsCheck.Problems(Robots(new RobotRow("office", "督查室", "dingtalk", Keyword: "督办")), webhookOnly, local: true));
    }

    [Fact]
    public void WeComRobotWithItsWebhook_HasNoProblem_ForItNeedsNoSecret()
    {
        var robots = Robots(new RobotRow("zjj", "zjj", "wecom"));

        Assert.Empty(RobotSettingsCheck.Problems(robots, Settings(("Escalation__Robots__zjj__Webhook", "0123-key")), local: true));
        Assert.Empty(RobotSettingsCheck.Problems(robots, Settings(("Escalation__Robots__zjj__Webhook", "0123-key")), local: false));
    }

    [Fact]
    public async Task Check_ReportsTheSampleRobotsWithoutWebhooks_AndResolvesThemOnceSet()
    {
        var store = ImportSamples();

        var (code, output, _) = Cli(["check", "--store", store], []);

        Assert.Equal(Commands.Cli.DataError, code);
        Assert.Contains("表「robots」（机器人）/ 行「zjj」：字段「Webhook」：市住房城乡建设局企业微信群机器人（编号 zjj）没有 Webhook", output, StringComparison.Ordinal);
        Assert.Contains("行「office」：字段「Webhook」：督查室钉钉群机器人（编号 office）没有 Webhook", output, StringComparison.Ordinal);
        // The sample DingTalk robot has the keyword 督办: its security is met.
        Assert.DoesNotContain("既没有关键词", output, StringComparison.Ordinal);
        var recorded = await new ProblemLog(SqliteTables.Open(store, _clock)).Of(ProblemLog.RobotSettingsScope);
        Assert.Equal(["office", "zjj"], recorded.Where(p => p.Open).Select(p => p.Problem.Key).Order(StringComparer.Ordinal));

        var (_, fixedOutput, _) = Cli(["check", "--store", store], new(StringComparer.Ordinal)
        {
            ["Escalation__Robots__zjj__Webhook"] = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            ["Escalation__Robots__office__Webhook"] = "https://oapi.dingtalk.com/robot/send?access_token=t",
        });

        Assert.DoesNotContain("表「robots」", fixedOutput, StringComparison.Ordinal);
        var after = await new ProblemLog(SqliteTables.Open(store, _clock)).Of(ProblemLog.RobotSettingsScope);
        Assert.Equal(2, after.Count);
        Assert.All(after, p => Assert.False(p.Open));
    }

    private static RobotDirectory Robots(params RobotRow[] rows)
    {
        var problems = new List<Problem>();
        var robots = RobotDirectory.Build(rows, Units, [], problems);
        Assert.Empty(problems);
        return robots;
    }

    private static Func<string, string?> Settings(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    private string ImportSamples()
    {
        var samples = _files.CopyOf(Repo.Samples, "samples");
        var store = _files["store"];
        var (code, _, errors) = Cli(["import", samples, "--store", store], []);
        Assert.Equal((Commands.Cli.Ok, ""), (code, errors));
        return store;
    }

    private (int Code, string Stdout, string Stderr) Cli(string[] args, Dictionary<string, string> settings)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Commands.Cli.Run(args, stdout, stderr, key => settings.GetValueOrDefault(key), _clock);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
