using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;

namespace Escalation.Functions.Tests.Export;

/// <summary>A cell as the workbook's XML has it: its type attribute, its value and the number format of its style.</summary>
internal sealed record XlsxCell(string? Type, string Value, string? Format)
{
    /// <summary>A number cell (no type, or <c>n</c>): what Excel sorts and sums as a number, dates included.</summary>
    public bool IsNumber => Type is null or "n";

    /// <summary>A string cell, shared, inline or literal (<c>s</c>, <c>inlineStr</c>, <c>str</c>).</summary>
    public bool IsText => Type is "s" or "inlineStr" or "str";
}

/// <summary>
/// The first sheet of an xlsx read from its XML rather than through MiniExcel, whose reader would convert types: what
/// Excel will see, cell by cell, with the header row as keys.
/// </summary>
internal sealed record XlsxSheet(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyDictionary<string, XlsxCell>> Rows, int Formulas)
{
    private static readonly XNamespace Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    public static XlsxSheet Read(string file)
    {
        using var zip = ZipFile.OpenRead(file);
        XDocument Part(string name)
        {
            using var stream = zip.GetEntry(name)?.Open() ?? throw new InvalidDataException($"{file} has no {name}.");
            return XDocument.Load(stream);
        }

        var shared = zip.GetEntry("xl/sharedStrings.xml") is null
            ? []
            : Part("xl/sharedStrings.xml").Root!.Elements(Main + "si").Select(si => string.Concat(si.Descendants(Main + "t").Select(t => t.Value))).ToList();
        var styles = Part("xl/styles.xml").Root!;
        var formats = styles.Element(Main + "numFmts")?.Elements(Main + "numFmt")
            .ToDictionary(f => (string)f.Attribute("numFmtId")!, f => (string)f.Attribute("formatCode")!) ?? [];
        var cellFormats = styles.Element(Main + "cellXfs")!.Elements(Main + "xf").Select(xf => (string?)xf.Attribute("numFmtId") ?? "0").ToList();
        var sheet = Part("xl/worksheets/sheet1.xml").Root!;

        var grid = new List<Dictionary<string, XlsxCell>>();
        foreach (var row in sheet.Descendants(Main + "row"))
        {
            var cells = new Dictionary<string, XlsxCell>(StringComparer.Ordinal);
            foreach (var c in row.Elements(Main + "c"))
            {
                var type = (string?)c.Attribute("t");
                var raw = type == "inlineStr" ? string.Concat(c.Descendants(Main + "t").Select(t => t.Value)) : c.Element(Main + "v")?.Value ?? "";
                var value = type == "s" ? shared[int.Parse(raw, CultureInfo.InvariantCulture)] : raw;
                var style = (string?)c.Attribute("s") is { } s ? cellFormats[int.Parse(s, CultureInfo.InvariantCulture)] : "0";
                var column = new string([.. ((string)c.Attribute("r")!).TakeWhile(char.IsAsciiLetter)]);
                cells[column] = new XlsxCell(type, value, formats.TryGetValue(style, out var format) ? format : style == "14" ? "builtin 14 (m/d/yyyy)" : null);
            }

            grid.Add(cells);
        }

        var headerByColumn = grid[0].ToDictionary(h => h.Key, h => h.Value.Value, StringComparer.Ordinal);
        var rows = grid.Skip(1)
            .Select(r => (IReadOnlyDictionary<string, XlsxCell>)r.ToDictionary(c => headerByColumn[c.Key], c => c.Value, StringComparer.Ordinal))
            .ToList();
        return new XlsxSheet([.. grid[0].Values.Select(h => h.Value)], rows, sheet.Descendants(Main + "f").Count());
    }
}
