using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Domain.Periods;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Tests.Catalog;

public class KeyParsingTests
{
    [Theory]
    [InlineData("2026-05", true)]
    [InlineData("2026-01", true)]
    [InlineData("2026-12", true)]
    [InlineData("2026-05-X1", true)]
    [InlineData("2026-05-X3", true)]
    [InlineData("2026-W01", true)]
    [InlineData("2026-W21", true)]
    [InlineData("2026-W53", true)]
    [InlineData("2026-00", false)]
    [InlineData("2026-13", false)]
    [InlineData("2026-5", false)]
    [InlineData("2026-05-X0", false)]
    [InlineData("2026-05-X4", false)]
    [InlineData("2026-05-x2", false)]
    [InlineData("2026-W00", false)]
    [InlineData("2026-W54", false)]
    [InlineData("2027-W53", false)]
    [InlineData("2020-W53", true)]
    [InlineData("2026-W5", false)]
    [InlineData("2026-05-01", false)]
    [InlineData(" 2026-05", false)]
    [InlineData("May", false)]
    [InlineData("", false)]
    public void IsKey_AcceptsOnlyKeysAsKeyWritesThem(string text, bool expected)
    {
        var isKey = ReportingPeriod.IsKey(text);

        Assert.Equal(expected, isKey);
    }

    [Theory]
    [InlineData(PeriodKind.Month, 2026, 5, 31)]
    [InlineData(PeriodKind.Xun, 2026, 5, 20)]
    [InlineData(PeriodKind.Xun, 2026, 2, 28)]
    [InlineData(PeriodKind.Week, 2026, 5, 24)]
    [InlineData(PeriodKind.Week, 2026, 12, 27)]
    [InlineData(PeriodKind.Week, 2027, 1, 3)]
    public void IsKey_AcceptsEveryKeyThatKeyWrites(PeriodKind kind, int year, int month, int day)
    {
        var period = new ReportingPeriod(kind, new NodaTime.LocalDate(year, month, day));

        var isKey = ReportingPeriod.IsKey(period.Key);

        Assert.True(isKey, period.Key);
    }

    [Theory]
    [InlineData("ev-0123456789abcdef0123456789abcdef", true)]
    [InlineData("ev-0123456789ABCDEF0123456789ABCDEF", false)]
    [InlineData("EV-0123456789abcdef0123456789abcdef", false)]
    [InlineData("ev-0123456789abcdef0123456789abcde", false)]
    [InlineData("ev-0123456789abcdef0123456789abcdef0", false)]
    [InlineData("ev-0123456789abcdef0123456789abcdeg", false)]
    [InlineData(" ev-0123456789abcdef0123456789abcde", false)]
    [InlineData("xx-0123456789abcdef0123456789abcdef", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TryParse_AcceptsOnlyEvAnd32LowercaseHexDigits(string? text, bool expected)
    {
        var parsed = EventId.TryParse(text, out var id);

        Assert.Equal(expected, parsed);
        Assert.Equal(expected ? text : null, id.Value);
    }

    [Fact]
    public void TryParse_ReadsBackAnIdThatForWrote()
    {
        var written = EventId.For(new RuleId("R5"), new ItemId("2026-ZD-017"), "lag:2026-05");

        var parsed = EventId.TryParse(written.Value, out var id);

        Assert.True(parsed);
        Assert.Equal(written, id);
    }
}
