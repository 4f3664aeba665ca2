using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Escalation.Functions.Storage;
using MiniExcelLibs;

namespace Escalation.Functions.Import;

/// <summary>One row of an import file: where it came from (file and line, or sheet and row) and its fields by column name.</summary>
public sealed record SourceRow(string Location, IReadOnlyDictionary<string, string?> Fields)
{
    public string? Field(string column) => Fields.GetValueOrDefault(column);
}

/// <summary>The rows found for one table, and what was wrong with the file as a whole (unknown or missing columns).</summary>
public sealed record SourceTable(TableSchema Schema, string Origin, IReadOnlyList<SourceRow> Rows, IReadOnlyList<string> Notes, bool Unusable);

/// <summary>
/// Reads what admins hand in: a folder of CSV files (one per table, named <c>{table}.csv</c>, UTF-8 with or without BOM)
/// or one Excel workbook (one sheet per table, named by its English or Chinese table name). Headers may be the English
/// column names or the Chinese ones.
/// </summary>
public static class ImportSource
{
    public static (IReadOnlyList<SourceTable> Tables, IReadOnlyList<string> Notes) Read(string path)
    {
        if (Directory.Exists(path))
        {
            return ReadFolder(path);
        }

        if (File.Exists(path) && Path.GetExtension(path).Equals(".xlsx", StringComparison.OrdinalIgnoreCase))
        {
            return ReadWorkbook(path);
        }

        return ([], [File.Exists(path)
            ? $"{path}: not a folder of CSV files or an .xlsx workbook"
            : $"{path}: no such folder or file"]);
    }

    private static (IReadOnlyList<SourceTable>, IReadOnlyList<string>) ReadFolder(string folder)
    {
        var tables = new List<SourceTable>();
        var notes = new List<string>();
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var schema in Tables.Admin)
        {
            var file = Path.Combine(folder, schema.Name + ".csv");
            known.Add(Path.GetFileName(file));
            if (File.Exists(file))
            {
                tables.Add(ReadCsv(schema, file));
            }
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.csv").Order(StringComparer.Ordinal))
        {
            if (!known.Contains(Path.GetFileName(file)))
            {
                notes.Add($"{Path.GetFileName(file)}: ignored; CSV files are named after their table ({string.Join(", ", Tables.Admin.Select(t => t.Name + ".csv"))})");
            }
        }

        if (tables.Count == 0)
        {
            notes.Add($"{folder}: no table files found");
        }

        return (tables, notes);
    }

    private static SourceTable ReadCsv(TableSchema schema, string file)
    {
        var name = Path.GetFileName(file);
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            BadDataFound = null,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
        };

        // UTF-8 with or without BOM; a BOM of UTF-16 is honoured too (Excel's "Unicode text" export).
        using var reader = new StreamReader(file, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvReader(reader, configuration);
        if (!csv.Read())
        {
            return new SourceTable(schema, name, [], [$"{name}: empty file"], false);
        }

        csv.ReadHeader();
        var headers = csv.HeaderRecord ?? [];
        var rows = new List<SourceRow>();
        var (columns, notes, unusable) = MapHeaders(schema, name, headers);
        while (csv.Read())
        {
            var values = Enumerable.Range(0, headers.Length).Select(i => csv.TryGetField<string>(i, out var v) ? v : null).ToArray();
            if (values.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            rows.Add(new SourceRow($"{name} line {FirstLine(csv.Parser)}", Fields(columns, values)));
        }

        return new SourceTable(schema, name, rows, notes, unusable);
    }

    /// <summary>
    /// The line a record starts on. The parser counts the line it ended on, which for a quoted field with line breaks
    /// (a template's body) is a later line than the one an admin looks for.
    /// </summary>
    private static int FirstLine(IParser parser)
    {
        var raw = parser.RawRecord.AsSpan().TrimEnd("\r\n");
        var breaks = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\n' || (raw[i] == '\r' && (i + 1 == raw.Length || raw[i + 1] != '\n')))
            {
                breaks++;
            }
        }

        return parser.RawRow - breaks;
    }

    private static (IReadOnlyList<SourceTable>, IReadOnlyList<string>) ReadWorkbook(string path)
    {
        var tables = new List<SourceTable>();
        var notes = new List<string>();
        var file = Path.GetFileName(path);
        foreach (var sheet in MiniExcel.GetSheetNames(path))
        {
            var schema = Tables.Admin.FirstOrDefault(t => string.Equals(t.Name, sheet.Trim(), StringComparison.OrdinalIgnoreCase) || t.Chinese == sheet.Trim());
            if (schema is null)
            {
                notes.Add($"{file} sheet {sheet}: ignored; sheets are named after their table ({string.Join(", ", Tables.Admin.Select(t => $"{t.Name}/{t.Chinese}"))})");
                continue;
            }

            var origin = $"{file} sheet {sheet}";
            var rows = new List<SourceRow>();
            string?[]? headers = null;
            (string?[] Columns, List<string> Notes, bool Unusable) map = ([], [], false);
            var number = 0;
            foreach (IDictionary<string, object?> cells in MiniExcel.Query(path, useHeaderRow: false, sheetName: sheet))
            {
                number++;
                var values = cells.Values.Select(Cell).ToArray();
                if (headers is null)
                {
                    headers = values;
                    map = MapHeaders(schema, origin, [.. headers.Select(h => h ?? "")]);
                    continue;
                }

                if (values.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }

                rows.Add(new SourceRow($"{origin} row {number}", Fields(map.Columns, values)));
            }

            tables.Add(new SourceTable(schema, origin, rows, map.Notes, map.Unusable));
        }

        if (tables.Count == 0)
        {
            notes.Add($"{file}: no sheet is named after a table");
        }

        return (tables, notes);
    }

    /// <summary>A cell as text: dates as ISO dates, numbers without a culture's separators.</summary>
    private static string? Cell(object? value) => value switch
    {
        null => null,
        DateTime d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        double n => n.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    private static (string?[] Columns, List<string> Notes, bool Unusable) MapHeaders(TableSchema schema, string origin, string[] headers)
    {
        var notes = new List<string>();
        var columns = new string?[headers.Length];
        for (var i = 0; i < headers.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(headers[i]))
            {
                continue;
            }

            var column = schema.ColumnFor(headers[i]);
            if (column is null)
            {
                notes.Add($"{origin}: column '{headers[i]}' is not a column of {schema.Name} and is ignored");
            }
            else if (columns.Contains(column.Name))
            {
                notes.Add($"{origin}: column '{headers[i]}' repeats {column.Name} and is ignored");
            }
            else
            {
                columns[i] = column.Name;
            }
        }

        var missing = schema.Columns.Where(c => c.Required && !columns.Contains(c.Name)).ToList();
        if (missing.Count > 0)
        {
            notes.Add($"{origin}: required column(s) missing: {string.Join(", ", missing.Select(c => $"{c.Name} ({c.Chinese})"))}; the file is not imported");
        }

        return (columns, notes, missing.Count > 0);
    }

    private static Dictionary<string, string?> Fields(string?[] columns, string?[] values)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Length && i < values.Length; i++)
        {
            if (columns[i] is { } column)
            {
                fields[column] = string.IsNullOrWhiteSpace(values[i]) ? null : values[i]!.Trim();
            }
        }

        return fields;
    }
}
