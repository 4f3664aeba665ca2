using Escalation.Domain.Events;
using Escalation.Domain.Rules;

namespace Escalation.Domain.Tests.Events;

public class ReferenceNumberTests
{
    [Theory]
    [InlineData(2026, 123, "督办〔2026〕0123号")]
    [InlineData(2026, 1, "督办〔2026〕0001号")]
    [InlineData(2026, 9999, "督办〔2026〕9999号")]
    [InlineData(2027, 10000, "督办〔2027〕10000号")]
    [InlineData(2027, 123456, "督办〔2027〕123456号")]
    public void Format_PadsToFourDigits_AndGrowsBeyond9999(int year, int sequence, string expected)
    {
        var reference = new ReferenceNumber(year, sequence);

        Assert.Equal(expected, reference.Format());
        Assert.Equal(expected, reference.ToString());
    }

    [Fact]
    public void Format_UsesTheGivenPrefix_OrNoneWhenEmpty()
    {
        var reference = new ReferenceNumber(2026, 7);

        Assert.Equal("市督〔2026〕0007号", reference.Format("市督"));
        Assert.Equal("〔2026〕0007号", reference.Format(""));
        Assert.Equal("2026-0007", reference.Key);
    }

    [Theory]
    [InlineData("督办〔2026〕0123号")]
    [InlineData("督办[2026]0123号")]
    [InlineData("督办［2026］0123号")]
    [InlineData("督办（2026）123号")]
    [InlineData("督办(2026)123号")]
    [InlineData("督办【2026】0123号")]
    [InlineData("督办〔2026〕第123号")]
    [InlineData("督办〔２０２６〕０１２３号")]
    [InlineData(" 督办 〔2026〕 0123 号 ")]
    [InlineData("督办〔2026〕0123")]
    [InlineData("市督〔2026〕0123号")]
    [InlineData("〔2026〕0123号")]
    [InlineData("2026-0123")]
    [InlineData("督办2026-0123")]
    [InlineData("2026－0123")]
    [InlineData("2026—0123")]
    [InlineData("２０２６-０１２３")]
    [InlineData("2026〔0123〕")]
    [InlineData("2026[123]")]
    [InlineData("2026（0123）号")]
    [InlineData("\u30002026-0123\u3000")]
    public void TryParse_ReadsEveryFormPeopleWrite(string text)
    {
        Assert.True(ReferenceNumber.TryParse(text, out var reference));
        Assert.Equal(new ReferenceNumber(2026, 123), reference);
        Assert.Equal(reference, ReferenceNumber.Parse(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ev-0123456789abcdef0123456789abcdef")]
    [InlineData("督办〔2026〕0000号")]
    [InlineData("督办〔26〕0123号")]
    [InlineData("督办〔2026〕号")]
    [InlineData("督办2026-0123-1")]
    [InlineData("2026")]
    [InlineData("0123")]
    [InlineData("督办〔2026〕0123号附件")]
    [InlineData("督办〔0999〕0001号")]
    [InlineData("DB〔2026〕0123号")]
    [InlineData("no.2026-0123")]
    [InlineData("督办:2026-0123")]
    public void TryParse_Refuses_WhatIsNoReference(string? text)
    {
        Assert.False(ReferenceNumber.TryParse(text, out _));
    }

    // A month, an occurrence key or a short dashed number pasted into a Notice cell must not name some other notice: the
    // prefix is Chinese characters only, and the dashed form has the four digits (at least) the engine prints.
    [Theory]
    [InlineData("2026-05")]
    [InlineData("lag:2026-05")]
    [InlineData("overdue:2026-0605")]
    [InlineData("2026-123")]
    [InlineData("2026-W23")]
    [InlineData("fgw-2026-01")]
    public void TryParse_ReadsNoReference_FromAMonthAnOccurrenceOrAShortDashedNumber(string text)
    {
        Assert.False(ReferenceNumber.TryParse(text, out _));
    }

    [Fact]
    public void Parse_Throws_ForWhatIsNoReference()
    {
        Assert.Throws<FormatException>(() => ReferenceNumber.Parse("ev-0123"));
    }

    [Fact]
    public void Formatted_ParsesBackToTheSameReference_ForEveryPrefix()
    {
        foreach (var (year, sequence) in new[] { (2026, 1), (2026, 123), (2031, 9999), (2031, 10000) })
        {
            var reference = new ReferenceNumber(year, sequence);
            foreach (var prefix in new[] { null, "", "督办", "市督查" })
            {
                Assert.Equal(reference, ReferenceNumber.Parse(reference.Format(prefix)));
            }

            Assert.Equal(reference, ReferenceNumber.Parse(reference.Key));
        }
    }

    [Theory]
    [InlineData(EventLevel.Reminder, false, false)]
    [InlineData(EventLevel.Notice, false, true)]
    [InlineData(EventLevel.Summons, false, true)]
    [InlineData(EventLevel.Accountability, false, true)]
    [InlineData(EventLevel.Notice, true, false)]
    public void IsNumbered_NoticesSummonsesAndRecommendations_ThatAreSent(EventLevel level, bool logOnly, bool numbered)
    {
        Assert.Equal(numbered, ReferenceNumber.IsNumbered(level, logOnly));
    }

    [Theory]
    [InlineData("督办", true)]
    [InlineData("市督查", true)]
    [InlineData("", false)]
    [InlineData("督办2", false)]
    [InlineData("督办〔", false)]
    [InlineData("督 办", false)]
    [InlineData("督办号", false)]
    [InlineData("DB", false)]
    [InlineData("督·办", false)]
    [InlineData("ＤＢ", false)]
    [InlineData("一二三四五六七八九十一二三", false)]
    public void PrefixProblem_AcceptsWordsOnly(string prefix, bool ok)
    {
        var problem = ReferenceNumber.PrefixProblem(prefix);

        Assert.Equal(ok, problem is null);
        if (!ok)
        {
            Assert.Contains("文号前缀", problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Constructor_Throws_ForAYearWithoutFourDigitsOrASequenceBelowOne()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReferenceNumber(999, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReferenceNumber(2026, 0));
    }
}
