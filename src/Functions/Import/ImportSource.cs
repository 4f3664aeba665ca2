using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Escalation.Domain.Problems;
using Escalation.Functions.Storage;
using MiniExcelLibs;

namespace Escalation.Functions.Import;

/// <summary>Where a row came from: a CSV file and line, or a workbook, sheet and row (1 = the header row).</summary>
public sealed record SourceLocation(string File, string? Sheet, int Line)
{
    public override string ToString() => Sheet is null
        ? string.Create(CultureInfo.InvariantCulture, $"{File} 第 {Line} 行")
        : string.Create(CultureInfo.InvariantCulture, $"{File} 工作表“{Sheet}”第 {Line} 行");
}

/// <summary>One row of an import file: where it came from and its fields by column name.</summary>
public sealed record SourceRow(SourceLocation Location, IReadOnlyDictionary<string, string?> Fields)
{
    public string? Field(string column) => Fields.GetValueOrDefault(column);
}

/// <summary>A row of an import file and the problem that concerns it, with the column named by the header the admin used.</summary>
public sealed record RowProblem(SourceLocation Location, string Column, Problem Problem);

/// <summary>
/// The rows found for one table: the rows read, the lines that could not be read as a row (unbalanced quotes, wrong
/// column count), the headers as the admin wrote them, and what was wrong with the file as a whole.
/// </summary>
public sealed record SourceTable(
    TableSchema Schema,
    string Origin,
    IReadOnlyList<SourceRow> Rows,
    IReadOnlyList<RowProblem> Malformed,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyList<string> Notes,
    bool Unusable,
    int BlankLines = 0,
    string? Encoding = null)
{
    /// <summary>Rows read: every data line (or worksheet row) that was not blank, readable or not.</summary>
    public int Read => Rows.Count + Malformed.Count;

    /// <summary>The header the admin used for a column; the Chinese header when the file has no such column.</summary>
    public string Header(string column) =>
        Headers.TryGetValue(column, out var header) ? header
        : Schema.ColumnFor(column) is { } known ? known.Chinese
        : column;
}

/// <summary>A file that could not be read at all: unreadable, not text, not a workbook.</summary>
public sealed record FileFault(string File, string Reason);

/// <summary>What an import path holds: the tables found, notes on the files, and the files that could not be read.</summary>
public sealed record ImportInput(IReadOnlyList<SourceTable> Tables, IReadOnlyList<string> Notes, IReadOnlyList<FileFault> Faults)
{
    /// <summary>True when there is nothing to import and nothing wrong with a file: no table file or sheet was found.</summary>
    public bool NothingFound => Tables.Count == 0 && Faults.Count == 0;
}

/// <summary>
/// Reads what admins hand in: a folder of CSV files (one per table, named <c>{table}.csv</c>; UTF-8 with or without BOM,
/// or GB18030/GBK as Excel on Chinese Windows saves it) or one Excel workbook (one sheet per table, named by its English or
/// Chinese table name). Headers may be the English column names or the Chinese ones. Nothing is dropped silently: a line
/// that is not a well-formed row is kept as a malformed row with its reason, and blank lines are counted.
/// </summary>
public static class ImportSource
{
    private const int ProgressStep = 10_000;

    /// <summary>Reads the path; <paramref name="rowsRead"/> hears the running count of rows read, every few thousand.</summary>
    public static ImportInput Read(string path, Action<int>? rowsRead = null)
    {
        var counter = new Counter(rowsRead);
        if (Directory.Exists(path))
        {
            return ReadFolder(path, counter);
        }

        if (File.Exists(path) && Path.GetExtension(path).Equals(".xlsx", StringComparison.OrdinalIgnoreCase))
        {
            return ReadWorkbook(path, counter);
        }

        return new ImportInput([], [File.Exists(path)
            ? $"{path}：既不是放 CSV 文件的文件夹，也不是 .xlsx 工作簿"
            : $"{path}：没有这个文件夹或文件"], []);
    }

    private static ImportInput ReadFolder(string folder, Counter counter)
    {
        var tables = new List<SourceTable>();
        var notes = new List<string>();
        var faults = new List<FileFault>();
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var schema in Tables.Admin)
        {
            var file = Path.Combine(folder, schema.Name + ".csv");
            known.Add(Path.GetFileName(file));
            if (File.Exists(file))
            {
                var (table, fault) = ReadCsv(schema, file, counter);
                if (table is not null)
                {
                    tables.Add(table);
                }

                if (fault is not null)
                {
                    faults.Add(fault);
                }
            }
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.csv").Order(StringComparer.Ordinal))
        {
            if (!known.Contains(Path.GetFileName(file)))
            {
                notes.Add($"{Path.GetFileName(file)}：已忽略；CSV 文件要以表名命名（{string.Join("、", Tables.Admin.Select(t => t.Name + ".csv"))}）");
            }
        }

        if (tables.Count == 0 && faults.Count == 0)
        {
            notes.Add($"{folder}：没有找到任何表的 CSV 文件");
        }

        return new ImportInput(tables, notes, faults);
    }

    private static (SourceTable? Table, FileFault? Fault) ReadCsv(TableSchema schema, string file, Counter counter)
    {
        var name = Path.GetFileName(file);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, new FileFault(name, $"无法读取文件（{e.Message}）；请关闭正在使用它的程序（如 Excel），检查文件权限后重新导入"));
        }

        if (bytes.Length == 0)
        {
            return (new SourceTable(schema, name, [], [], new Dictionary<string, string>(), [$"{name}：空文件"], false), null);
        }

        var decoded = TextFile.Decode(bytes);
        if (decoded.Text is not { } text)
        {
            return (null, new FileFault(name, decoded.Refusal!));
        }

        return (new CsvTable(schema, name, counter).Parse(text, decoded.Encoding!), null);
    }

    private static ImportInput ReadWorkbook(string path, Counter counter)
    {
        var file = Path.GetFileName(path);
        try
        {
            return ReadSheets(path, file, counter);
        }
        catch (Exception e) when (IsFileFault(e))
        {
            return new ImportInput([], [], [new FileFault(file,
                $"无法作为 Excel 工作簿（.xlsx）读取（{e.Message}）：文件可能已损坏、不完整、正被其他程序占用，或其实不是 .xlsx（例如改了扩展名的 CSV 或 .xls）；请在 Excel 中打开并“另存为 Excel 工作簿（*.xlsx）”后重新导入")]);
        }
    }

    /// <summary>
    /// A workbook's package is parsed by MiniExcel, which reports a broken or foreign file with whatever exception the zip or
    /// XML reader raised; every one of them means "this file cannot be read", never a bug of ours worth a stack trace.
    /// </summary>
    private static bool IsFileFault(Exception e) => e is not (OperationCanceledException or OutOfMemoryException or StackOverflowException);

    private static ImportInput ReadSheets(string path, string file, Counter counter)
    {
        var tables = new List<SourceTable>();
        var notes = new List<string>();
        foreach (var sheet in MiniExcel.GetSheetNames(path))
        {
            var schema = Tables.Admin.FirstOrDefault(t => string.Equals(t.Name, sheet.Trim(), StringComparison.OrdinalIgnoreCase) || t.Chinese == sheet.Trim());
            if (schema is null)
            {
                notes.Add($"{file} 工作表“{sheet}”：已忽略；工作表要以表名命名（{string.Join("、", Tables.Admin.Select(t => $"{t.Name}/{t.Chinese}"))}）");
                continue;
            }

            var origin = $"{file} 工作表“{sheet}”";
            var rows = new List<SourceRow>();
            var malformed = new List<RowProblem>();
            HeaderMap? map = null;
            var number = 0;
            var blank = 0;
            foreach (IDictionary<string, object?> cells in MiniExcel.Query(path, useHeaderRow: false, sheetName: sheet))
            {
                number++;
                var values = cells.Values.Select(Cell).ToArray();
                if (map is null)
                {
                    map = HeaderMap.Of(schema, origin, [.. values.Select(h => h ?? "")]);
                    continue;
                }

                if (values.All(string.IsNullOrWhiteSpace))
                {
                    blank++;
                    continue;
                }

                var location = new SourceLocation(file, sheet, number);
                if (map.Unmapped(values) is { } stray)
                {
                    malformed.Add(stray.At(location, schema));
                    continue;
                }

                rows.Add(new SourceRow(location, map.Fields(values)));
                counter.Add(1);
            }

            map ??= HeaderMap.Of(schema, origin, []);
            tables.Add(new SourceTable(schema, origin, rows, malformed, map.Headers, map.Notes, map.Unusable, blank));
        }

        if (tables.Count == 0)
        {
            notes.Add($"{file}：没有以表名命名的工作表");
        }

        return new ImportInput(tables, notes, []);
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

    /// <summary>Counts rows for the progress callback.</summary>
    private sealed class Counter(Action<int>? report)
    {
        private int _rows;

        public void Add(int rows)
        {
            var before = _rows / ProgressStep;
            _rows += rows;
            if (report is not null && _rows / ProgressStep != before)
            {
                report(_rows);
            }
        }
    }

    /// <summary>A line that is not a well-formed row: the reason, and the column concerned (empty: the whole line).</summary>
    private sealed record LineFault(string Column, string? Value, string Reason)
    {
        public RowProblem At(SourceLocation location, TableSchema schema) => new(
            location,
            Column,
            new Problem(schema.Name, string.Create(CultureInfo.InvariantCulture, $"{location.Sheet ?? location.File}:{location.Line}"), Column, Value, Reason));
    }

    /// <summary>How a file's headers map to the table's columns, and what was wrong with them.</summary>
    private sealed class HeaderMap
    {
        private readonly string?[] _columns;
        private readonly int[] _unnamed;

        private HeaderMap(string?[] columns, int[] unnamed, Dictionary<string, string> headers, List<string> notes, bool unusable)
        {
            _columns = columns;
            _unnamed = unnamed;
            Headers = headers;
            Notes = notes;
            Unusable = unusable;
        }

        public int Width => _columns.Length;

        public Dictionary<string, string> Headers { get; }

        public List<string> Notes { get; }

        public bool Unusable { get; }

        public string? ColumnAt(int index) => index < _columns.Length ? _columns[index] : null;

        public static HeaderMap Of(TableSchema schema, string origin, string[] headers)
        {
            var notes = new List<string>();
            var columns = new string?[headers.Length];
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            var unnamed = new List<int>();
            for (var i = 0; i < headers.Length; i++)
            {
                if (string.IsNullOrWhiteSpace(headers[i]))
                {
                    unnamed.Add(i);
                    continue;
                }

                var header = headers[i].Trim().TrimStart('\uFEFF');
                var column = schema.ColumnFor(header);
                if (column is null)
                {
                    notes.Add($"{origin}：列“{header}”不是 {schema.Name}（{schema.Chinese}）表的列，已忽略");
                }
                else if (names.TryGetValue(column.Name, out var first))
                {
                    notes.Add($"{origin}：列“{header}”与列“{first}”重复（都是 {column.Name}），已忽略");
                }
                else
                {
                    columns[i] = column.Name;
                    names[column.Name] = header;
                }
            }

            var missing = schema.Columns.Where(c => c.Required && !names.ContainsKey(c.Name)).ToList();
            if (missing.Count > 0)
            {
                notes.Add($"{origin}：缺少必填列 {string.Join("、", missing.Select(c => $"{c.Name}（{c.Chinese}）"))}；整个文件未导入");
            }

            return new HeaderMap(columns, [.. unnamed], names, notes, missing.Count > 0);
        }

        /// <summary>A value under a column without a header would be lost: the row is refused instead.</summary>
        public LineFault? Unmapped(string?[] values)
        {
            foreach (var i in _unnamed.Concat(Enumerable.Range(_columns.Length, Math.Max(0, values.Length - _columns.Length))))
            {
                if (i < values.Length && !string.IsNullOrWhiteSpace(values[i]))
                {
                    return new LineFault("", values[i], string.Create(CultureInfo.InvariantCulture,
                        $"第 {i + 1} 列没有表头，其中的值无处存放；请给该列写上表头，或删除这个值"));
                }
            }

            return null;
        }

        public Dictionary<string, string?> Fields(string?[] values)
        {
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < _columns.Length && i < values.Length; i++)
            {
                if (_columns[i] is { } column)
                {
                    fields[column] = string.IsNullOrWhiteSpace(values[i]) ? null : values[i]!.Trim();
                }
            }

            return fields;
        }
    }

    /// <summary>
    /// One CSV file's records. A record that is not well formed (an unbalanced quote, too few or too many fields, a line
    /// break in a column that cannot hold one) is refused with its line; when it spans several lines (a stray opening
    /// quote swallows the lines after it into one field), each of its lines is read again on its own, so the lines it
    /// swallowed are imported or refused by themselves instead of vanishing.
    /// </summary>
    private sealed class CsvTable(TableSchema schema, string name, Counter counter)
    {
        private readonly List<SourceRow> _rows = [];
        private readonly List<RowProblem> _malformed = [];
        private string? _badField;
        private int _blank;
        private HeaderMap? _map;

        public SourceTable Parse(string text, string encoding)
        {
            using (var parser = Parser(text))
            {
                if (!parser.Read())
                {
                    return new SourceTable(schema, name, [], [], new Dictionary<string, string>(), [$"{name}：空文件"], false);
                }

                _map = HeaderMap.Of(schema, name, parser.Record ?? []);
                _badField = null;
                var line = 1 + Breaks(parser.RawRecord);
                while (parser.Read())
                {
                    Take(parser.Record ?? [], parser.RawRecord, line, canSplit: true);
                    line += Breaks(parser.RawRecord);
                }
            }

            var notes = new List<string>();
            if (encoding != TextFile.Utf8)
            {
                notes.Add(encoding == TextFile.Gb18030
                    ? $"{name}：不是 UTF-8 编码，已按 GB18030（GBK）编码读取"
                    : $"{name}：已按 {encoding} 编码读取");
            }

            notes.AddRange(_map.Notes);
            if (_blank > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{name}：跳过了 {_blank} 个空行"));
            }

            return new SourceTable(schema, name, _rows, _malformed, _map.Headers, notes, _map.Unusable, _blank, encoding);
        }

        private CsvParser Parser(string text) => new(new StringReader(text), new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            BadDataFound = args => _badField ??= args.Field,
            IgnoreBlankLines = false,
        });

        private void Take(string[] record, string raw, int line, bool canSplit)
        {
            var bad = _badField;
            _badField = null;
            if (record.All(string.IsNullOrWhiteSpace) && bad is null)
            {
                _blank += Lines(raw).Count;
                return;
            }

            var fault = Fault(record, bad);
            var lines = Lines(raw);
            if (fault is not null && canSplit && lines.Count > 1)
            {
                for (var i = 0; i < lines.Count; i++)
                {
                    using var single = Parser(lines[i]);
                    if (single.Read())
                    {
                        Take(single.Record ?? [], lines[i], line + i, canSplit: false);
                    }
                    else
                    {
                        _blank++;
                    }
                }

                return;
            }

            var location = new SourceLocation(name, null, line);
            if (fault is not null)
            {
                _malformed.Add(fault.At(location, schema));
                return;
            }

            _rows.Add(new SourceRow(location, _map!.Fields(record)));
            counter.Add(1);
        }

        private LineFault? Fault(string[] record, string? bad)
        {
            var map = _map!;
            if (bad is not null && bad.TrimStart().StartsWith('"'))
            {
                return new LineFault("", Shorten(bad), "引号不成对：以英文双引号开头的值必须以双引号结束，值里的双引号要写成两个（\"\"）；请补上或删去这个引号");
            }

            if (record.Length < map.Width)
            {
                return new LineFault("", null, string.Create(CultureInfo.InvariantCulture,
                    $"这一行有 {record.Length} 个字段，表头有 {map.Width} 列：少了字段；请补齐逗号分隔的各列（空值也要保留逗号）"));
            }

            if (map.Unmapped(record) is { } stray)
            {
                return record.Length > map.Width
                    ? stray with
                    {
                        Reason = string.Create(CultureInfo.InvariantCulture,
                            $"这一行有 {record.Length} 个字段，表头只有 {map.Width} 列：多了字段；含逗号的值要用英文双引号括起来"),
                    }
                    : stray;
            }

            for (var i = 0; i < map.Width; i++)
            {
                if (map.ColumnAt(i) is { } column && schema.ColumnFor(column) is { Type: not ColumnType.Text } && record[i].AsSpan().IndexOfAny('\r', '\n') >= 0)
                {
                    return new LineFault(map.Headers[column], Shorten(record[i]), "值里有换行：多半是前面某个英文双引号没有闭合，把后面的行并进了这个值；请检查引号");
                }
            }

            return null;
        }

        private static string Shorten(string value) => value.Length > 200 ? value[..200] + "…" : value;

        private static List<string> Lines(string raw)
        {
            // Only CR and LF break CSV lines (ReplaceLineEndings would also split on U+2028 and friends).
            return [.. raw.TrimEnd('\r', '\n').Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n')];
        }

        /// <summary>
        /// The line breaks in a raw record (its own break included), to count lines as an admin does: the parser's own
        /// count is the line a record ends on, which for a quoted field with line breaks (a template's body) is later.
        /// </summary>
        private static int Breaks(string raw)
        {
            var breaks = 0;
            for (var i = 0; i < raw.Length; i++)
            {
                if (raw[i] == '\n' || (raw[i] == '\r' && (i + 1 == raw.Length || raw[i + 1] != '\n')))
                {
                    breaks++;
                }
            }

            return breaks;
        }
    }
}
