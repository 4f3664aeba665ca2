using System.Globalization;

namespace Escalation.Domain.Problems;

/// <summary>
/// The Chinese of problem reasons that several validators share, so that one fault reads the same wherever it is found.
/// Style: full-width punctuation; what an admin types (a table, a column, an id, a value to choose) in 「」, kept verbatim;
/// first what is wrong, then how to fix it, each sentence ending in 。.
/// </summary>
internal static class Words
{
    /// <summary>An admin's token, verbatim, in corner brackets: <c>「people」</c>.</summary>
    public static string Quote(string text) => "「" + text + "」";

    /// <summary>Tokens to choose from: <c>「email」、「sms」</c>.</summary>
    public static string Choices(IEnumerable<string> names) => string.Join("、", names.Select(Quote));

    public const string Required = "此项必填，请填写。";

    public static string RequiredOneOf(IEnumerable<string> names) => $"此项必填。可填：{Choices(names)}。";

    public static string RequiredSomeOf(IEnumerable<string> names) => $"此项必填。可填以下一项或多项，用逗号分隔：{Choices(names)}。";

    public static string UnknownValue(string value, IEnumerable<string> names) =>
        $"无法识别{Quote(value)}。可填：{Choices(names)}。";

    public static string NotOneOf(string part, IEnumerable<string> names) =>
        $"{Quote(part)}不在可选值之中。可填以下一项或多项，用逗号分隔：{Choices(names)}。";

    public const string DateFormat = "请按「yyyy-MM-dd」格式填写日期，例如「2026-06-30」。";

    public const string RequiredDate = "此项必填。" + DateFormat;

    public const string NotADate = "不是有效的日期。" + DateFormat;

    public static string RequiredNumber(double min, double max) => Invariant($"此项必填，请填写 {min} 到 {max} 之间的数字。");

    public static string NotANumber(double min, double max) => Invariant($"应为 {min} 到 {max} 之间的数字，请改正。");

    public const string RequiredAnyNumber = "此项必填，请填写数字（如「6.5」「-2.3」）。";

    public const string NotAnyNumber = "不是有效的数字。请填写数字，如「6.5」或「-2.3」（百分数写「6.5」或「6.5%」均可），不要带其他文字或单位。";

    public static string NotAWholeNumber(int min, int max) => Invariant($"应为 {min} 到 {max} 之间的整数（不带小数），请改正。");

    /// <summary>An id that names no row of the table where such ids are declared.</summary>
    /// <param name="id">The id as given.</param>
    /// <param name="what">What the table holds, e.g. 人员.</param>
    /// <param name="table">The table, e.g. <c>people</c>.</param>
    public static string NoSuchId(string id, string what, string table) =>
        $"{Quote(table)}表中没有编号为{Quote(id)}的{what}。请填写{Quote(table)}表中已有的编号，或先在{Quote(table)}表中添加此{what}。";

    public static string NoPerson(string id) => NoSuchId(id, "人员", "people");

    public static string NoUnit(string id) => NoSuchId(id, "单位", "units");

    public static string DeadlineBeforeStart(string start) =>
        $"完成时限早于开始日期（{start}）。请改正完成时限或开始日期。";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
