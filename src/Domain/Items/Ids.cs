namespace Escalation.Domain.Items;

/// <summary>Validation shared by every id: ids become table keys and message ids, so they must be safe there.</summary>
public static class Key
{
    /// <summary>Longest id accepted; Service Bus message ids allow 128 characters and event ids are derived, not nested.</summary>
    public const int MaxLength = 100;

    public static string Validate(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"A {what} id must not be empty.", nameof(value));
        }

        if (TryValidate(value) is { } reason)
        {
            throw new ArgumentException($"'{value}' is not a valid {what} id: {reason}", nameof(value));
        }

        return value;
    }

    /// <summary>Why the value cannot be an id and how to fix it (Chinese, for admins), or null when it can.</summary>
    public static string? TryValidate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "编号为空，请填写编号";
        }

        if (value.Length > MaxLength)
        {
            return $"编号超过 {MaxLength} 个字符，请缩短";
        }

        if (value != value.Trim())
        {
            return "编号开头或结尾有空格，请删除这些空格";
        }

        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                return "编号含有表格行键不允许的字符（/、\\、#、? 或控制字符），请删除或改用其他字符（如 -）";
            }
        }

        return null;
    }
}

/// <summary>A supervised item (task, project or livelihood item), e.g. <c>2024-ZD-017</c>.</summary>
public readonly record struct ItemId
{
    public ItemId(string value) => Value = Key.Validate(value, "item");

    /// <summary>True when the text can be an item id (user input is checked with this before it becomes one).</summary>
    public static bool IsValid(string? value) => Key.TryValidate(value) is null;

    public string Value { get; }

    public override string ToString() => Value;
}

/// <summary>A responsible unit (责任单位), e.g. <c>swj</c> for 商务局.</summary>
public readonly record struct UnitId
{
    public UnitId(string value) => Value = Key.Validate(value, "unit");

    /// <summary>True when the text can be a unit id (user input is checked with this before it becomes one).</summary>
    public static bool IsValid(string? value) => Key.TryValidate(value) is null;

    public string Value { get; }

    public override string ToString() => Value;
}

/// <summary>A person in the staff directory (or a shared mailbox such as the supervision office's).</summary>
public readonly record struct PersonId
{
    public PersonId(string value) => Value = Key.Validate(value, "person");

    public string Value { get; }

    public override string ToString() => Value;
}
