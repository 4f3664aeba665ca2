using System.Data;
using System.Globalization;
using Escalation.Domain.Digests;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;
using NodaTime;

namespace Escalation.Functions.Digests;

/// <summary>
/// A digest as an .xlsx workbook the office can forward as it is: one sheet per section (a scoreboard's groups each on a
/// sheet of their own), Chinese sheet names and headers, 序号 first, numbers as numbers and dates as Excel dates.
/// </summary>
public static class DigestWorkbook
{
    private const string DateFormat = "yyyy-mm-dd";

    public static byte[] Write(DigestDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var sheets = new Dictionary<string, object>(StringComparer.Ordinal);
        var tables = new List<DataTable>();
        var dateColumns = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var section in document.Sections)
            {
                if (section.Subtables.Count == 0 || section.Rows.Count > 0)
                {
                    Add(section);
                }

                foreach (var sub in section.Subtables)
                {
                    Add(sub);
                }
            }

            using var stream = new MemoryStream();
            MiniExcel.SaveAs(stream, sheets, excelType: ExcelType.XLSX, configuration: new OpenXmlConfiguration
            {
                AutoFilter = true,
                DynamicColumns = [.. dateColumns.Select(c => new DynamicExcelColumn(c) { Format = DateFormat })],
            });
            return stream.ToArray();
        }
        finally
        {
            foreach (var table in tables)
            {
                table.Dispose();
            }
        }

        void Add(DigestSection section)
        {
            var name = section.Sheet;
            for (var n = 2; sheets.ContainsKey(name); n++)
            {
                var suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
                name = (section.Sheet.Length + suffix.Length > 31 ? section.Sheet[..(31 - suffix.Length)] : section.Sheet) + suffix;
            }

            var table = new DataTable(name) { Locale = CultureInfo.InvariantCulture };
            tables.Add(table);
            table.Columns.Add("序号", typeof(int));
            var kinds = section.Columns.Select((c, i) => KindOf(section, i)).ToList();
            for (var i = 0; i < section.Columns.Count; i++)
            {
                table.Columns.Add(section.Columns[i], kinds[i]);
                if (kinds[i] == typeof(DateTime))
                {
                    dateColumns.Add(section.Columns[i]);
                }
            }

            for (var r = 0; r < section.Rows.Count; r++)
            {
                var row = new object[section.Columns.Count + 1];
                row[0] = r + 1;
                for (var i = 0; i < section.Columns.Count; i++)
                {
                    row[i + 1] = section.Rows[r][i] switch
                    {
                        LocalDate d => d.ToDateTimeUnspecified(),
                        int n when kinds[i] == typeof(double) => (double)n,
                        var cell when kinds[i] == typeof(string) => DigestDocument.Text(cell),
                        var cell => cell,
                    };
                }

                table.Rows.Add(row);
            }

            sheets[name] = table;
        }
    }

    /// <summary>A column's type: number when every cell is one, date when every cell is one, else text.</summary>
    private static Type KindOf(DigestSection section, int column)
    {
        if (section.Rows.Count == 0)
        {
            return typeof(string);
        }

        if (section.Rows.All(r => r[column] is LocalDate))
        {
            return typeof(DateTime);
        }

        return section.Rows.All(r => r[column] is int or double) ? typeof(double) : typeof(string);
    }
}
