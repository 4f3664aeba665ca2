using Escalation.Domain.Catalog;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;

namespace Escalation.Functions.Commands;

/// <summary>
/// What <c>check</c> finds missing in the group robots' settings, which are never in a table: a robot without its webhook
/// (<c>Escalation__Robots__{Id}__Webhook</c>), and a DingTalk robot with neither a keyword (robots table) nor a signing
/// secret (<c>Escalation__Robots__{Id}__Secret</c>), the two security settings the engine can meet (an IP allow-list
/// alone cannot be relied on: Flex Consumption has no fixed outbound address). Each problem names the robot, its group,
/// the setting, and where to put it: in Azure the deployment's Key Vault (parameters robotIds / signedRobotIds /
/// robotSecrets), in local mode <c>.local/secrets.json</c> or the setting itself.
/// </summary>
internal static class RobotSettingsCheck
{
    /// <summary>The problems of <paramref name="robots"/> given the settings <paramref name="setting"/> can see.</summary>
    /// <param name="robots">The validated robots table.</param>
    /// <param name="setting">The settings, in local mode with the secrets file's values behind them.</param>
    /// <param name="local">Local mode (the embedded store): posts without a webhook go to the outbox instead.</param>
    public static IReadOnlyList<Problem> Problems(RobotDirectory robots, Func<string, string?> setting, bool local)
    {
        ArgumentNullException.ThrowIfNull(robots);
        ArgumentNullException.ThrowIfNull(setting);
        var problems = new List<Problem>();
        foreach (var robot in robots.All)
        {
            var webhook = Robot.WebhookSetting(robot.Id);
            var secret = Robot.SecretSetting(robot.Id);
            if (string.IsNullOrWhiteSpace(setting(webhook)))
            {
                problems.Add(new Problem(RobotRow.Table, robot.Id, "Webhook", null, local
                    ? $"{robot.Name}（编号 {robot.Id}）没有 Webhook：设置 {webhook} 没有填，密钥文件 {EngineSettings.DefaultSecretsFile} 中也没有。" +
                      $"本机运行时这个机器人的消息只写入发件箱的 {LogOf(robot.Platform)}，不会发到群里。" +
                      $"要真正发送，请把群机器人的 Webhook 地址（{WhereToFind(robot.Platform)}）写入 {EngineSettings.DefaultSecretsFile}，" +
                      $"例如 {{\"{webhook}\": \"https://…\"}}，或设置同名的环境变量；Webhook 相当于密码，不要写在 robots 表中。"
                    : $"{robot.Name}（编号 {robot.Id}）没有 Webhook：应用设置 {webhook} 没有设置，这个机器人的消息发不出去（记为无法送达）。" +
                      $"请把群机器人的 Webhook 地址（{WhereToFind(robot.Platform)}）交给运维人员：部署参数 robotIds 加上「{robot.Id}」，robotSecrets 中给出" +
                      $" {{\"{robot.Id}\": {{\"webhook\": \"https://…\"}}}}，重新部署后它存入 Key Vault，应用设置以 Key Vault 引用指向它。Webhook 相当于密码，不要写在 robots 表中。"));
            }

            if (robot.Platform == Channel.DingTalk && robot.Keyword is null && string.IsNullOrWhiteSpace(setting(secret)))
            {
                var where = local
                    ? $"密钥文件 {EngineSettings.DefaultSecretsFile}（如 {{\"{secret}\": \"SEC…\"}}）或同名设置"
                    : $"部署参数 signedRobotIds（加上「{robot.Id}」）和 robotSecrets（{{\"{robot.Id}\": {{\"webhook\": \"…\", \"secret\": \"SEC…\"}}}}），重新部署后存入 Key Vault";
                problems.Add(new Problem(RobotRow.Table, robot.Id, nameof(RobotRow.Keyword), null,
                    $"{robot.Name}（编号 {robot.Id}）既没有关键词（本表 Keyword 列），也没有加签密钥（设置 {secret}）。" +
                    "钉钉自定义机器人必须有安全设置，消息不满足时钉钉拒收（错误 310000）；引擎能满足的是“自定义关键词”和“加签”两种（“IP 地址段”不可靠：云上发送没有固定的出口地址）。" +
                    $"请在钉钉群的机器人安全设置中选“加签”，把 SEC 开头的密钥写入{where}；或选“自定义关键词”，把同一个关键词填入 robots 表的 Keyword 列后重新导入。"));
            }
        }

        return problems;
    }

    private static string LogOf(Channel platform) => platform == Channel.WeCom ? "wecom.log" : "dingtalk.log";

    private static string WhereToFind(Channel platform) => platform == Channel.WeCom
        ? $"{ChineseNames.Of(platform)}：群设置 → 群机器人 → 机器人资料中的 Webhook 地址"
        : $"{ChineseNames.Of(platform)}：群设置 → 机器人 → 自定义机器人的 Webhook 地址";
}
