namespace Escalation.Domain.Problems;

/// <summary>
/// A piece of admin input that could not be used, said so that the admin can find and fix it:
/// which table, which row, which field, what value, and why. The row is skipped; the rest of the work goes on.
/// </summary>
/// <param name="Table">The table (or data set) the row came from, e.g. <c>tasks</c>, <c>rules</c>, <c>calendar</c>.</param>
/// <param name="Key">The row's key in that table.</param>
/// <param name="Field">The field at fault.</param>
/// <param name="Value">The offending value as given, or null when it was missing.</param>
/// <param name="Reason">Why it cannot be used, in words an admin understands.</param>
public sealed record Problem(string Table, string Key, string Field, string? Value, string Reason)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Table}/{Key}: {Field}{(Value is null ? "" : $" = '{Value}'")}: {Reason}";
}
