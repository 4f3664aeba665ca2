using Escalation.Domain.Problems;

namespace Escalation.Functions.Storage;

/// <summary>
/// A problem as admins read it in command output and exports: the domain's Chinese rendering, with the table's and the
/// field's Chinese names (as <see cref="Tables"/> declares them, the headers admins may have used) added in brackets.
/// </summary>
public static class ProblemText
{
    private static readonly Dictionary<string, TableSchema> Schemas =
        Tables.Admin.Concat(Tables.Engine).ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary><c>表「tasks」（任务）/ 行「fgw-01」：字段「Owner」（具体责任人）=「x」：原因</c>.</summary>
    public static string Render(Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var schema = Schemas.GetValueOrDefault(problem.Table.Trim());
        var column = schema?.ColumnFor(problem.Field);
        return problem.Describe(schema?.Chinese, column?.Chinese);
    }
}
