using System.Globalization;
using Escalation.Domain.Calendar;
using Escalation.Domain.Problems;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Catalog;

/// <summary>Reads the string fields of one row, collecting one problem per faulty field (table, key, field, value, why).</summary>
internal sealed class FieldReader(string table, string key, List<Problem> problems)
{
    private readonly int _before = problems.Count;

    /// <summary>True when no field of this row was faulty.</summary>
    public bool Ok => problems.Count == _before;

    public void Fault(string field, string? value, string reason) => problems.Add(new Problem(table, key, field, value, reason));

    public string? Text(string field, string? value, bool required)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value.Trim();
        }

        if (required)
        {
            Fault(field, value, Words.Required);
        }

        return null;
    }

    /// <summary>An id that must be a usable key.</summary>
    public string? Id(string field, string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Fault(field, value, Words.Required);
            }

            return null;
        }

        if (Items.Key.TryValidate(value.Trim()) is { } reason)
        {
            Fault(field, value, $"不能用作编号：{reason}。");
            return null;
        }

        return value.Trim();
    }

    public LocalDate? Date(string field, string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Fault(field, value, Words.RequiredDate);
            }

            return null;
        }

        if (IsoDate.TryParse(value) is { } date)
        {
            return date;
        }

        Fault(field, value, Words.NotADate);
        return null;
    }

    public double? Number(string field, string? value, bool required, double min, double max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Fault(field, value, Words.RequiredNumber(min, max));
            }

            return null;
        }

        var text = value.Trim().TrimEnd('%', '％').Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        Fault(field, value, Words.NotANumber(min, max));
        return null;
    }

    /// <summary>Any finite number, negative too (a growth rate, an indicator's value); a trailing % is ignored.</summary>
    public double? Number(string field, string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Fault(field, value, Words.RequiredAnyNumber);
            }

            return null;
        }

        var text = value.Trim().TrimEnd('%', '％').Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n))
        {
            return n;
        }

        Fault(field, value, Words.NotAnyNumber);
        return null;
    }

    public int? Integer(string field, string? value, bool required, int min, int max)
    {
        var n = Number(field, value, required, min, max);
        if (n is { } x && x != Math.Floor(x))
        {
            Fault(field, value, Words.NotAWholeNumber(min, max));
            return null;
        }

        return n is null ? null : (int)n;
    }

    public T? Enum<T>(Dictionary<string, T> names, string field, string? value, bool required)
        where T : struct => RuleRow.Lookup(names, field, value, required, Fault);

    public List<T> List<T>(Dictionary<string, T> names, string field, string? value)
        where T : struct => RuleRow.List(names, field, value, required: false, Fault);
}
