using System.Text.RegularExpressions;
using Escalation.Domain.Items;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Catalog;

/// <summary>A validated group robot: a unit's (or the office's, <see cref="Unit"/> null) group on one platform.</summary>
/// <param name="Id">The robot's id: its settings are <c>Escalation__Robots__{Id}__Webhook</c> and <c>__Secret</c>.</param>
/// <param name="Unit">The unit whose group it posts to; null for the supervision office's group.</param>
/// <param name="Platform"><see cref="Channel.WeCom"/> or <see cref="Channel.DingTalk"/>.</param>
/// <param name="Keyword">The DingTalk custom keyword, if any.</param>
/// <param name="BaseUrl">The host the webhook's key or token is posted to, when not the public one.</param>
/// <param name="Name">How it is named to people: 市住建局企业微信群机器人.</param>
public sealed record Robot(string Id, UnitId? Unit, Channel Platform, string? Keyword, Uri? BaseUrl, string Name)
{
    /// <summary>The prefix of the dispatch "person" of a robot: deliveries and messages to it are keyed <c>robot-{id}</c>.</summary>
    public const string PersonPrefix = "robot-";

    /// <summary>The robot as a recipient: <c>robot-{id}</c>.</summary>
    public PersonId Person => new(PersonPrefix + Id);

    /// <summary>True for the supervision office's robot.</summary>
    public bool IsOffice => Unit is null;

    /// <summary>The robot as the delivery pipeline reaches it: a contact whose only channel is its platform, addressed by its id.</summary>
    public Contact Contact => new(Person, Name, Unit, null, null, null, [Platform]) { Robot = Id };

    /// <summary>The setting that holds the robot's webhook (whole URL, or the WeCom key / DingTalk access token).</summary>
    public static string WebhookSetting(string id) => $"Escalation__Robots__{id}__Webhook";

    /// <summary>The setting that holds a DingTalk robot's signing secret (加签, SEC…).</summary>
    public static string SecretSetting(string id) => $"Escalation__Robots__{id}__Secret";
}

/// <summary>The robots table, validated: at most one robot per unit (or the office) and platform.</summary>
public sealed partial class RobotDirectory
{
    /// <summary>The words the Unit column names the supervision office by.</summary>
    public static IReadOnlyList<string> OfficeWords { get; } = ["督查室", "office"];

    private readonly Dictionary<(UnitId? Unit, Channel Platform), Robot> _byGroup;
    private readonly Dictionary<PersonId, Robot> _byPerson;

    private RobotDirectory(IReadOnlyList<Robot> robots)
    {
        All = robots;
        _byGroup = robots.ToDictionary(r => (r.Unit, r.Platform));
        _byPerson = robots.ToDictionary(r => r.Person);
    }

    public static RobotDirectory Empty { get; } = new([]);

    /// <summary>Every robot, in the table's order.</summary>
    public IReadOnlyList<Robot> All { get; }

    /// <summary>The robot of <paramref name="unit"/>'s group (null: the office's) on <paramref name="platform"/>, if any.</summary>
    public Robot? For(UnitId? unit, Channel platform) => _byGroup.GetValueOrDefault((unit, platform));

    /// <summary>The robot a dispatch "person" <c>robot-{id}</c> stands for, if any.</summary>
    public Robot? ByPerson(PersonId person) => _byPerson.GetValueOrDefault(person);

    /// <summary>
    /// Validates the rows against the units (id → name). A faulty row is reported (table <c>robots</c>, the row's id, the
    /// column) and left out.
    /// </summary>
    public static RobotDirectory Build(IReadOnlyList<RobotRow> rows, IReadOnlyDictionary<UnitId, string> units, IReadOnlyCollection<PersonId> people, List<Problem> problems)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(people);
        ArgumentNullException.ThrowIfNull(problems);
        var robots = new List<Robot>();
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in rows)
        {
            var key = row.Key;
            void Report(string field, string? value, string reason) => problems.Add(new Problem(RobotRow.Table, key, field, value, reason));

            var id = row.Id?.Trim();
            if (string.IsNullOrEmpty(id) || !IdPattern().IsMatch(id))
            {
                Report(nameof(RobotRow.Id), row.Id, "机器人编号只能由英文字母和数字组成（不超过 32 个字符，如 zjj、office1），因为它是设置名 Escalation__Robots__{编号}__Webhook 的一部分；本行未采用。");
                continue;
            }

            if (!ids.Add(id))
            {
                Report(nameof(RobotRow.Id), row.Id, $"机器人编号「{id}」重复（不区分大小写）；只采用第一行。请改用不同的编号。");
                continue;
            }

            if (people.Contains(new PersonId(Robot.PersonPrefix + id)))
            {
                Report(nameof(RobotRow.Id), row.Id, $"「people」表已有人员编号「{Robot.PersonPrefix}{id}」，与机器人的收件编号冲突；本行未采用。请改机器人编号或人员编号。");
                continue;
            }

            var platformText = row.Platform?.Trim() ?? "";
            if (!ChannelCatalog.ByWord.TryGetValue(platformText, out var platform) || !ChannelCatalog.IsRobot(platform))
            {
                Report(nameof(RobotRow.Platform), row.Platform, "平台应为「企业微信」（wecom）或「钉钉」（dingtalk）；本行未采用。");
                continue;
            }

            var unitText = row.Unit?.Trim() ?? "";
            UnitId? unit = null;
            string owner;
            if (OfficeWords.Contains(unitText, StringComparer.OrdinalIgnoreCase))
            {
                owner = "督查室";
            }
            else if (Key.TryValidate(unitText) is null && units.TryGetValue(new UnitId(unitText), out var unitName))
            {
                unit = new UnitId(unitText);
                owner = unitName;
            }
            else
            {
                Report(nameof(RobotRow.Unit), row.Unit, string.IsNullOrEmpty(unitText)
                    ? "没有填所属单位：请填「units」表中的单位编号，督查室的机器人填「督查室」（office）；本行未采用。"
                    : $"单位「{unitText}」不在「units」表中：请填单位编号，督查室的机器人填「督查室」（office）；本行未采用。");
                continue;
            }

            if (robots.FirstOrDefault(r => r.Unit == unit && r.Platform == platform) is { } first)
            {
                Report(nameof(RobotRow.Unit), row.Unit, $"{owner}已有{ChannelCatalog.Of(platform).ChineseName}机器人「{first.Id}」：每个单位（及督查室）每个平台只能有一个机器人；本行未采用。");
                continue;
            }

            var keyword = string.IsNullOrWhiteSpace(row.Keyword) ? null : row.Keyword.Trim();
            if (keyword is not null && platform != Channel.DingTalk)
            {
                Report(nameof(RobotRow.Keyword), row.Keyword, "关键词只用于钉钉机器人（安全设置为“自定义关键词”时）；企业微信机器人没有关键词，此列已忽略。");
                keyword = null;
            }

            Uri? baseUrl = null;
            if (!string.IsNullOrWhiteSpace(row.BaseUrl))
            {
                if (Uri.TryCreate(row.BaseUrl.Trim(), UriKind.Absolute, out var parsed) && parsed.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(parsed.Query))
                {
                    baseUrl = parsed.AbsoluteUri.EndsWith('/') ? parsed : new Uri(parsed.AbsoluteUri + "/");
                }
                else
                {
                    Report(nameof(RobotRow.BaseUrl), row.BaseUrl, "接口地址应为 https:// 开头、不带参数的绝对地址（如政务微信、浙政钉的接口主机）；不填则用公共地址。本行未采用。");
                    continue;
                }
            }

            robots.Add(new Robot(id, unit, platform, keyword, baseUrl, $"{owner}{ChannelCatalog.Of(platform).ChineseName}群机器人"));
        }

        return new RobotDirectory(robots);
    }

    [GeneratedRegex("^[A-Za-z0-9]{1,32}$")]
    private static partial Regex IdPattern();
}
