using Escalation.Domain.Calendar;
using Escalation.Domain.Rules;
using NodaTime;

namespace Escalation.Domain.Tests.Rules;

public class DaySpanTests
{
    private static readonly WorkingCalendar Calendar = ShippedCalendar.Default;

    [Theory]
    [InlineData("10", 10)]
    [InlineData(" 10 ", 10)]
    [InlineData("10wd", 10)]
    [InlineData("10WD", 10)]
    [InlineData("10 wd", 10)]
    [InlineData("10个工作日", 10)]
    [InlineData("10工作日", 10)]
    [InlineData("1", 1)]
    [InlineData("60", 60)]
    [InlineData("60wd", 60)]
    public void Parse_ReadsWorkingDays_InEveryForm(string text, int count)
    {
        var (span, reason) = DaySpan.Parse(text);

        Assert.Null(reason);
        Assert.Equal(DaySpan.Working(count), span);
    }

    [Theory]
    [InlineData("15d", 15)]
    [InlineData("15D", 15)]
    [InlineData("15 d", 15)]
    [InlineData("15天", 15)]
    [InlineData("15日", 15)]
    [InlineData("15自然日", 15)]
    [InlineData("15个自然日", 15)]
    [InlineData(" 15天 ", 15)]
    [InlineData("1d", 1)]
    [InlineData("90天", 90)]
    public void Parse_ReadsCalendarDays_InEveryForm(string text, int count)
    {
        var (span, reason) = DaySpan.Parse(text);

        Assert.Null(reason);
        Assert.Equal(DaySpan.Calendar(count), span);
    }

    [Theory]
    [InlineData("0", "「0」超出范围：工作日应为 1 到 60 之间的整数")]
    [InlineData("61", "「61」超出范围：工作日应为 1 到 60 之间的整数")]
    [InlineData("61个工作日", "工作日应为 1 到 60 之间的整数")]
    [InlineData("0天", "「0天」超出范围：自然日应为 1 到 90 之间的整数")]
    [InlineData("91d", "自然日应为 1 到 90 之间的整数")]
    [InlineData("99999999999", "超出范围：工作日应为 1 到 60 之间的整数")]
    [InlineData("five", "无法识别「five」")]
    [InlineData("-3", "无法识别「-3」")]
    [InlineData("1.5", "无法识别「1.5」")]
    [InlineData("15周", "无法识别「15周」")]
    [InlineData("天", "无法识别「天」")]
    [InlineData("", "无法识别「」")]
    public void Parse_RejectsBadValues_NamingTheValueAndTheForms(string text, string reason)
    {
        var (span, why) = DaySpan.Parse(text);

        Assert.Null(span);
        Assert.NotNull(why);
        Assert.Contains(reason, why, StringComparison.Ordinal);
        Assert.Contains("工作日写「10」「10wd」「10个工作日」或「10工作日」，自然日写「15d」「15天」「15日」「15自然日」或「15个自然日」", why, StringComparison.Ordinal);
    }

    // July 2026        Mo Tu We Th Fr Sa Su
    //                         1  2  3 [4  5]
    //                   6  7  8  9 10 [11 12]
    //                  13 14 15 16 17 [18 19]
    [Fact]
    public void AddTo_CountsWorkingDaysOnTheCalendar_AndCalendarDaysPlainly()
    {
        var friday = new LocalDate(2026, 7, 3);

        Assert.Equal(new LocalDate(2026, 7, 6), DaySpan.Working(1).AddTo(friday, Calendar));
        Assert.Equal(new LocalDate(2026, 7, 17), DaySpan.Working(10).AddTo(friday, Calendar));
        Assert.Equal(new LocalDate(2026, 7, 4), DaySpan.Calendar(1).AddTo(friday, Calendar));
        Assert.Equal(new LocalDate(2026, 7, 18), DaySpan.Calendar(15).AddTo(friday, Calendar));
    }

    // National Day 2026: 10-01..10-07 off, Saturday 10-10 a make-up working day.
    [Fact]
    public void CountBetween_CountsInTheSpansUnit_StartExcludedEndIncluded()
    {
        var before = new LocalDate(2026, 9, 30);
        var after = new LocalDate(2026, 10, 10);

        Assert.Equal(3, DaySpan.Working(1).CountBetween(before, after, Calendar)); // 10-08, 10-09, 10-10
        Assert.Equal(10, DaySpan.Calendar(1).CountBetween(before, after, Calendar));
        Assert.Equal(-10, DaySpan.Calendar(1).CountBetween(after, before, Calendar));
    }

    [Fact]
    public void ToString_SaysTheUnitInChinese()
    {
        Assert.Equal("10个工作日", DaySpan.Working(10).ToString());
        Assert.Equal("15天", DaySpan.Calendar(15).ToString());
    }
}
