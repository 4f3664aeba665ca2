namespace Escalation.Functions.Storage;

/// <summary>What a column holds, which decides how it is stored and read.</summary>
public enum ColumnType
{
    /// <summary>Free text, Chinese as is.</summary>
    Text,

    /// <summary>An id: at most 100 characters, none of / \ # ? or control characters.</summary>
    Id,

    /// <summary>An ISO date <c>yyyy-MM-dd</c>, stored as a string.</summary>
    Date,

    /// <summary>A number, stored as Double.</summary>
    Number,

    /// <summary>A whole number, stored as Int32 (Integer).</summary>
    WholeNumber,

    /// <summary>One of a fixed list of words, English or Chinese, stored as written.</summary>
    Choice,

    /// <summary>A point in time, stored as DateTime (a <c>DateTimeOffset</c> in UTC), queryable.</summary>
    Timestamp,

    /// <summary>true or false, stored as Boolean.</summary>
    Flag,
}

/// <summary>What an id column refers to, when it names a row of another table.</summary>
public enum Reference
{
    /// <summary>Not a reference to a person or a unit.</summary>
    None,

    /// <summary>A person id of the people table.</summary>
    Person,

    /// <summary>A unit id of the units table.</summary>
    Unit,
}

/// <summary>A column: its name in the table and in CSV headers, its Chinese header, what it holds, and what it refers to.</summary>
/// <param name="Name">The column's name in the table and in CSV headers.</param>
/// <param name="Chinese">Its Chinese header.</param>
/// <param name="Type">What it holds.</param>
/// <param name="Required">True when every row must fill it.</param>
/// <param name="Description">One sentence for the docs.</param>
/// <param name="Example">A value, for the docs and templates.</param>
/// <param name="Refers">What an id column refers to.</param>
public sealed record Column(string Name, string Chinese, ColumnType Type, bool Required, string Description, string Example, Reference Refers = Reference.None)
{
    /// <summary>
    /// Other Chinese headers import files may use for the column: synonyms (原因类型 beside 原因性质) and headers the column
    /// had before (files made from an older template).
    /// </summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
}

/// <summary>A table as admins see it in Storage Explorer and in import files.</summary>
/// <param name="Name">The table's name in Azure Storage, the CSV file name (<c>{Name}.csv</c>) and a worksheet name.</param>
/// <param name="Chinese">The table's Chinese name, also accepted as a worksheet name.</param>
/// <param name="PartitionKey">What the partition key holds.</param>
/// <param name="RowKey">What the row key holds.</param>
/// <param name="Purpose">One sentence for the docs.</param>
/// <param name="Columns">The columns besides the keys, in the order import files and exports use.</param>
/// <param name="Importable">True for the tables admins fill; false for the tables the engine writes.</param>
public sealed record TableSchema(string Name, string Chinese, string PartitionKey, string RowKey, string Purpose, IReadOnlyList<Column> Columns, bool Importable)
{
    /// <summary>The column with this English or Chinese (or former Chinese) header (case-insensitive, surrounding spaces ignored), or null.</summary>
    public Column? ColumnFor(string header)
    {
        var h = header.Trim().TrimStart('\uFEFF');
        return Columns.FirstOrDefault(c => string.Equals(c.Name, h, StringComparison.OrdinalIgnoreCase) || c.Chinese == h || c.Aliases.Contains(h, StringComparer.Ordinal));
    }
}
