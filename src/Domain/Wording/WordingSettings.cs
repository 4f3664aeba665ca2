using System.Globalization;
using Escalation.Domain.Items;

namespace Escalation.Domain.Wording;

/// <summary>Who signs and how: settings of the office (the settings table), not constants.</summary>
/// <param name="SenderName">The 落款 that signs every email, e.g. 督查室 or 市政府督查室.</param>
/// <param name="SmsSignature">
/// The 短信签名 every text message starts with, 【…】 with 2–12 characters inside (<see cref="SmsSignatureProblem"/>);
/// it must be the signature registered with the SMS gateway.
/// </param>
/// <param name="ContactLine">联系方式 printed under the signature, e.g. 联系人：王某，电话：0755-12345678; null for none.</param>
public sealed record WordingSettings(string SenderName, string SmsSignature, string? ContactLine)
{
    public static WordingSettings Default { get; } = new("督查室", "【督查室】", null);

    /// <summary>
    /// Unit names by id (the units table's), so that a demand owed by a unit other than the item's (a builder, 建设单位)
    /// is worded with its name; an id without a name is printed as it is.
    /// </summary>
    public IReadOnlyDictionary<UnitId, string> UnitNames { get; init; } = new Dictionary<UnitId, string>();

    /// <summary>
    /// The word before the year of the references (文号) the engine assigns from now on, e.g. 督办 in 督办〔2026〕0123号 (the
    /// ReferencePrefix setting). A reference keeps the prefix it was issued with.
    /// </summary>
    public string ReferencePrefix { get; init; } = Events.ReferenceNumber.DefaultPrefix;

    /// <summary>
    /// The web's public base address (Escalation__Web__BaseUrl, no trailing slash), e.g. https://escalation.example.cn: when
    /// set, the email and robot messages of a notice or summons carry the link to its page, where its addressee signs for
    /// it (签收) after signing in; null (the default) for no link, the messages then read exactly as before.
    /// </summary>
    public string? WebBaseUrl { get; init; }

    /// <summary>Equal when the settings and the unit names (by content) are equal.</summary>
    public bool Equals(WordingSettings? other) =>
        other is not null && SenderName == other.SenderName && SmsSignature == other.SmsSignature && ContactLine == other.ContactLine
        && ReferencePrefix == other.ReferencePrefix && WebBaseUrl == other.WebBaseUrl
        && UnitNames.Count == other.UnitNames.Count
        && UnitNames.All(n => other.UnitNames.TryGetValue(n.Key, out var name) && name == n.Value);

    public override int GetHashCode() => HashCode.Combine(SenderName, SmsSignature, ContactLine, UnitNames.Count);

    /// <summary>The name of <paramref name="unit"/>, or its id when the units table has none.</summary>
    public string NameOf(UnitId unit) => UnitNames.TryGetValue(unit, out var name) ? name : unit.Value;

    /// <summary>The longest <see cref="SenderName"/> the settings table accepts.</summary>
    public const int MaxSenderNameLength = 30;

    /// <summary>The longest <see cref="ContactLine"/> the settings table accepts.</summary>
    public const int MaxContactLineLength = 60;

    /// <summary>Characters allowed inside the 【】 of an SMS signature.</summary>
    public const int MinSignatureLength = 2, MaxSignatureLength = 12;

    /// <summary>
    /// Why <paramref name="signature"/> cannot be an SMS signature, in Chinese for admins; null when it can:
    /// 【, then 2–12 characters without brackets, then 】.
    /// </summary>
    public static string? SmsSignatureProblem(string? signature)
    {
        var text = signature?.Trim() ?? "";
        var inside = text.Length >= 2 && text[0] == '【' && text[^1] == '】' ? text[1..^1] : null;
        if (inside is { Length: >= MinSignatureLength and <= MaxSignatureLength } && inside.IndexOfAny(['【', '】', '\r', '\n']) < 0)
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"短信签名应写成「【签名】」的形式：以「【」开头、以「】」结尾，括号内 {MinSignatureLength}–{MaxSignatureLength} 个字，例如「【督查室】」；并须与短信服务商处报备的签名一致。改正前短信签名仍为「{Default.SmsSignature}」。");
    }
}
