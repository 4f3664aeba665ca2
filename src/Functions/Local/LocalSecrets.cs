using System.Text.Json;

namespace Escalation.Functions.Local;

/// <summary>
/// Local mode's secrets file (<c>.local/secrets.json</c>): one JSON object of setting names to values, e.g.
/// <c>{"Escalation__Robots__zjj__Webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"}</c>, so that robot
/// webhooks and secrets stay out of the tables and out of the sample files. Settings of the same name win over it.
/// </summary>
internal static class LocalSecrets
{
    /// <summary>The file's values; empty when there is no such file.</summary>
    /// <exception cref="InvalidOperationException">The file is not a JSON object of strings (the message says where, in Chinese).</exception>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        if (!File.Exists(path))
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? new Dictionary<string, string>(StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException(
                $"密钥文件 {Path.GetFullPath(path)} 不是“设置名: 字符串值”的 JSON 对象（{e.Message}）。示例：{{\"Escalation__Robots__zjj__Webhook\": \"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…\"}}", e);
        }
    }
}
