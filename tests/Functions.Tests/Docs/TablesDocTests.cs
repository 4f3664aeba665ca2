using System.Text.RegularExpressions;
using Escalation.Functions.Storage;

namespace Escalation.Functions.Tests.Docs;

/// <summary>docs/tables.md describes every table of <see cref="Tables"/>, column by column, and no table that is gone.</summary>
public partial class TablesDocTests
{
    private static readonly Lazy<string[]> Lines = new(() => File.ReadAllLines(Path.Combine(Repo.Root, "docs", "tables.md")));

    private static IEnumerable<TableSchema> AllTables => Tables.Admin.Concat(Tables.Engine);

    public static TheoryData<string> TableNames => [.. AllTables.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(TableNames))]
    public void Doc_HasASectionHeadedWithTheTablesNames_ForEveryTable(string name)
    {
        var table = Schema(name);

        var heading = Lines.Value.Where(l => l.StartsWith("## " + name + " ", StringComparison.Ordinal)).ToList();

        var line = Assert.Single(heading);
        Assert.Contains(table.Chinese, line, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TableNames))]
    public void Doc_ListsEveryColumnWithItsChineseHeader_InTheTablesSection(string name)
    {
        var table = Schema(name);
        var rows = Section(name).Where(l => l.TrimStart().StartsWith('|')).Select(Cells).ToList();

        var missing = table.Columns
            .Where(c => !rows.Any(cells => cells.Contains(c.Name, StringComparer.Ordinal) && cells.Contains(c.Chinese, StringComparer.Ordinal)))
            .Select(c => $"{c.Name} ({c.Chinese})")
            .ToList();

        Assert.True(missing.Count == 0, $"docs/tables.md, section {name}: no table row names column(s) {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(TableNames))]
    public void Doc_StatesTheKeys_InTheTablesSection(string name)
    {
        var section = string.Join('\n', Section(name));

        Assert.Contains("PartitionKey", section, StringComparison.Ordinal);
        Assert.Contains("RowKey", section, StringComparison.Ordinal);
    }

    [Fact]
    public void Doc_NamesOnlyRealTables_WhenAHeadingLooksLikeATable()
    {
        var known = AllTables.ToDictionary(t => t.Name, StringComparer.Ordinal);

        var stale = Lines.Value
            .Select(l => TableHeading().Match(l))
            .Where(m => m.Success)
            .Where(m => !known.TryGetValue(m.Groups["name"].Value, out var t) || t.Chinese != m.Groups["chinese"].Value)
            .Select(m => m.Value)
            .ToList();

        Assert.True(stale.Count == 0, $"docs/tables.md has headings of tables that do not exist (or with another Chinese name): {string.Join("; ", stale)}");
    }

    [Fact]
    public void Doc_OrdersTheTableSections_AsTablesAdminThenTablesEngine()
    {
        var documented = Lines.Value.Select(l => TableHeading().Match(l)).Where(m => m.Success).Select(m => m.Groups["name"].Value).ToList();

        Assert.Equal(AllTables.Select(t => t.Name), documented);
    }

    private static TableSchema Schema(string name) => AllTables.Single(t => t.Name == name);

    /// <summary>The lines of the table's section: from its heading up to the next <c>## </c> heading.</summary>
    private static List<string> Section(string name)
    {
        var lines = Lines.Value;
        var start = Array.FindIndex(lines, l => l.StartsWith("## " + name + " ", StringComparison.Ordinal));
        Assert.True(start >= 0, $"docs/tables.md has no heading '## {name} (…)'");
        var end = Array.FindIndex(lines, start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        return [.. lines[start..(end < 0 ? lines.Length : end)]];
    }

    /// <summary>The cells of a Markdown table row, trimmed, without surrounding backticks.</summary>
    private static string[] Cells(string row) =>
        [.. row.Trim().Trim('|').Split('|').Select(c => c.Trim().Trim('`').Trim())];

    /// <summary>A heading such as <c>## tasks (任务)</c>: a lower-case name and a Chinese name in parentheses.</summary>
    [GeneratedRegex(@"^## (?<name>[a-z][a-z0-9]*) \((?<chinese>.+)\)\s*$")]
    private static partial Regex TableHeading();
}
