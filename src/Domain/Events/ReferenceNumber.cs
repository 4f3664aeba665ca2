using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Events;

/// <summary>
/// The short reference (文号) the office quotes for an issued notice, summons or accountability recommendation, e.g.
/// <c>督办〔2026〕0123号</c>: the year of the event's date and its place in that year's sequence, counted from 1. The
/// engine assigns it once, when the event is first logged, and never changes it; the prefix word (督办) is printed, not
/// part of its identity, so <c>督办〔2026〕0123号</c>, <c>督办[2026]123号</c> and <c>2026-0123</c> are one reference.
/// </summary>
public readonly partial record struct ReferenceNumber
{
    /// <summary>The word before the year when the settings table names none: 督办.</summary>
    public const string DefaultPrefix = "督办";

    /// <summary>The longest prefix the settings table accepts.</summary>
    public const int MaxPrefixLength = 12;

    /// <summary>The first and last years a reference may carry.</summary>
    public const int MinYear = 1000, MaxYear = 9999;

    /// <param name="year">The year of the event's date (1000–9999).</param>
    /// <param name="sequence">Its number within the year, from 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A year without four digits or a sequence below 1 (a bug of the caller).</exception>
    public ReferenceNumber(int year, int sequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, MinYear);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, MaxYear);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        Year = year;
        Sequence = sequence;
    }

    /// <summary>The year of the event's date, four digits.</summary>
    public int Year { get; }

    /// <summary>Its number within the year, from 1.</summary>
    public int Sequence { get; }

    /// <summary>
    /// True for the events that get a reference: those the office issues as documents, notices (通报), summonses (约谈)
    /// and accountability recommendations (问责建议), when something is sent. A reminder (提醒) is a nudge to the person
    /// doing the work, nobody quotes or answers it, and numbering reminders would use up most of each year's numbers on
    /// them; an event logged only (仅记录, no channels) is never issued.
    /// </summary>
    public static bool IsNumbered(EventLevel level, bool logOnly) => level >= EventLevel.Notice && !logOnly;

    /// <summary>The sequence as printed: four digits, zero-padded (0123); more digits from 10000 on.</summary>
    public string Digits => Sequence.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>{prefix}〔{year}〕{digits}号</c>, e.g. 督办〔2026〕0123号, with full-width hexagonal brackets as 公文 number them.
    /// </summary>
    /// <param name="prefix">The word before the year; null for <see cref="DefaultPrefix"/>, empty for none.</param>
    public string Format(string? prefix = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix ?? DefaultPrefix}〔{Year}〕{Digits}号");

    /// <summary>The form without prefix and brackets, <c>2026-0123</c>: the key of the references table.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Year}-{Digits}");

    public override string ToString() => Format();

    /// <summary>Reads a reference in any of the forms people write it; see <see cref="TryParse"/>.</summary>
    /// <exception cref="FormatException">Not a reference.</exception>
    public static ReferenceNumber Parse(string text) =>
        TryParse(text, out var reference) ? reference : throw new FormatException($"'{text}' is not a reference number (督办〔2026〕0123号 or 2026-0123).");

    /// <summary>
    /// Reads a reference as people write it, half- or full-width alike: <c>督办〔2026〕0123号</c>, <c>督办[2026]0123号</c>,
    /// <c>督办（2026）123号</c>, <c>督办〔2026〕第123号</c>, <c>2026-0123</c>, <c>2026〔0123〕</c>; any prefix of Chinese
    /// characters (or none) before the year, 号 optional, spaces ignored. The dashed form takes at least four digits after
    /// the dash, as the engine prints it, so that a month (<c>2026-05</c>) or an occurrence key (<c>lag:2026-05</c>) pasted
    /// into a cell is not read as some other notice's reference. False for anything else, an event id (<c>ev-…</c>) included.
    /// </summary>
    public static bool TryParse(string? text, out ReferenceNumber reference)
    {
        reference = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var match = Pattern().Match(Normalized(text));
        if (!match.Success
            || !int.TryParse(match.Groups["year"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(match.Groups["seq"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || year < MinYear || sequence < 1)
        {
            return false;
        }

        reference = new ReferenceNumber(year, sequence);
        return true;
    }

    /// <summary>
    /// Why <paramref name="prefix"/> cannot be the word before the year, in Chinese for admins; null when it can: 1–12
    /// Chinese characters other than 号 (what <see cref="TryParse"/> reads back as a prefix).
    /// </summary>
    public static string? PrefixProblem(string? prefix)
    {
        var text = prefix?.Trim() ?? "";
        if (text.Length is >= 1 and <= MaxPrefixLength && PrefixPattern().IsMatch(text) && !text.Contains('号', StringComparison.Ordinal))
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"文号前缀应为 1–{MaxPrefixLength} 个汉字，不含数字、字母、标点、括号、横线、空格和「号」，例如「{DefaultPrefix}」（文号形如「{DefaultPrefix}〔2026〕0123号」）。改正前文号前缀仍为「{DefaultPrefix}」。");
    }

    /// <summary>Full-width ASCII to half-width, the brackets people use for 〔〕 to [ and ], dashes to -, spaces out.</summary>
    private static string Normalized(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var raw in text)
        {
            var c = raw is >= '\uFF01' and <= '\uFF5E' ? (char)(raw - 0xFEE0) : raw;
            switch (c)
            {
                case '〔' or '【' or '〖' or '(' or '[' or '{':
                    builder.Append('[');
                    break;
                case '〕' or '】' or '〗' or ')' or ']' or '}':
                    builder.Append(']');
                    break;
                case '‐' or '‑' or '‒' or '–' or '—' or '―' or '－':
                    builder.Append('-');
                    break;
                default:
                    if (!char.IsWhiteSpace(c))
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>The characters a prefix may have: Chinese characters (CJK unified ideographs, extension A, compatibility).</summary>
    private const string Han = @"\p{IsCJKUnifiedIdeographs}\p{IsCJKUnifiedIdeographsExtensionA}\p{IsCJKCompatibilityIdeographs}";

    // After normalizing: an optional prefix of Chinese characters, then [2026]0123, 2026-0123 (four digits at least) or 2026[0123].
    [GeneratedRegex(
        @"^[" + Han + @"]*(?:\[(?<year>[0-9]{4})\]第?(?<seq>[0-9]{1,9})|(?<year>[0-9]{4})-(?<seq>[0-9]{4,9})|(?<year>[0-9]{4})\[(?<seq>[0-9]{1,9})\])号?$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^[" + Han + @"]+$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixPattern();
}
