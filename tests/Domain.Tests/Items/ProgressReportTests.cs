using Escalation.Domain.Items;
using NodaTime;

namespace Escalation.Domain.Tests.Items;

/// <summary>The rules a progress report obeys wherever it comes from: the progress table, or the web's report form.</summary>
public sealed class ProgressReportTests
{
    private static readonly ProgressReport March10 = new(new LocalDate(2026, 3, 10), 20);

    [Theory]
    [InlineData("35", 35)]
    [InlineData(" 35% ", 35)]
    [InlineData("0", 0)]
    [InlineData("100", 100)]
    [InlineData("42.5", 42.5)]
    public void Parse_ReadsTheValue_WhenItIsAPercentage(string text, double expected)
    {
        var (progress, refusal) = ProgressReport.Parse(text);

        Assert.Equal(expected, progress);
        Assert.Null(refusal);
    }

    [Theory]
    [InlineData("-5", "应为 0 到 100 之间的数字")]
    [InlineData("101", "应为 0 到 100 之间的数字")]
    [InlineData("abc", "应为 0 到 100 之间的数字")]
    [InlineData("", "此项必填")]
    [InlineData(null, "此项必填")]
    public void Parse_RefusesInChinese_WhenTheValueIsNoPercentage(string? text, string reason)
    {
        var (progress, refusal) = ProgressReport.Parse(text);

        Assert.Null(progress);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void GoingDownWithoutNote_RefusesAndNamesTheNoteField_WhenLowerWithoutNote()
    {
        var refusal = ProgressReport.GoingDownWithoutNote(March10, 15, "  ", "说明");

        Assert.Equal("完成进度低于此前报送的 20（2026-03-10），且未填写说明。请在「说明」中说明进度下降的原因，或改正进度。", refusal);
    }

    [Theory]
    [InlineData(15, "上报口径调整")]
    [InlineData(20, null)]
    [InlineData(25, null)]
    public void GoingDownWithoutNote_Allows_WhenNotLowerOrExplained(double progress, string? note)
    {
        Assert.Null(ProgressReport.GoingDownWithoutNote(March10, progress, note, "说明"));
    }

    [Fact]
    public void GoingDownWithoutNote_Allows_TheFirstReport()
    {
        Assert.Null(ProgressReport.GoingDownWithoutNote(null, 0, null, "说明"));
    }
}
