namespace Escalation.Domain.Problems;

/// <summary>
/// A piece of admin input that could not be used, said so that the admin can find and fix it:
/// which table, which row, which field, what value, and why. The row is skipped; the rest of the work goes on.
/// </summary>
/// <param name="Table">The table (or data set) the row came from, e.g. <c>tasks</c>, <c>rules</c>, <c>calendar</c>.</param>
/// <param name="Key">The row's key in that table.</param>
/// <param name="Field">The field at fault; empty when the problem is about the whole row.</param>
/// <param name="Value">The offending value as given, or null when it was missing.</param>
/// <param name="Reason">Why it cannot be used and how to fix it, in Chinese, in words an admin understands.</param>
public sealed record Problem(string Table, string Key, string Field, string? Value, string Reason)
{
    /// <summary>The key of a row whose id (or setting key) is empty, as problem reports show it.</summary>
    public const string NoKey = "（无编号）";

    /// <summary><c>表「tasks」/ 行「fgw-01」：字段「Owner」=「x」：原因</c>.</summary>
    public override string ToString() => Describe(null, null);

    /// <summary>
    /// As <see cref="ToString"/>, with the table's and the field's other names (e.g. the Chinese headers admins may
    /// have used) in brackets after them: <c>表「tasks」（任务）/ 行「fgw-01」：字段「Owner」（具体责任人）=「x」：原因</c>.
    /// </summary>
    /// <param name="tableName">Another name of <see cref="Table"/>, or null.</param>
    /// <param name="fieldName">Another name of <see cref="Field"/>, or null.</param>
    public string Describe(string? tableName, string? fieldName)
    {
        var field = Field.Length == 0
            ? ""
            : $"字段{Words.Quote(Field)}{Bracketed(fieldName)}{(Value is null ? "" : "=" + Words.Quote(Value))}：";
        return $"表{Words.Quote(Table)}{Bracketed(tableName)}/ 行{Words.Quote(Key)}：{field}{Reason}";
    }

    private static string Bracketed(string? name) => string.IsNullOrEmpty(name) ? "" : $"（{name}）";
}
