using Escalation.Domain.Digests;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Digests;
using NodaTime;

namespace Escalation.Functions.Tests.Digests;

/// <summary>The weekly list document gains 未签收的通报和约谈 when something is unsigned, and reads as before otherwise.</summary>
public sealed class WeeklyListUnsignedSectionTests
{
    private static readonly UnitId Zjj = new("zjj");
    private static readonly DigestPeriod W41 = DigestPeriod.Week(IndicatorPeriod.Week(2025, 41));
    private static readonly LocalDate IssuedOn = new(2025, 10, 9);

    private static WeeklyList List(params UnsignedEntry[] unsigned) =>
        WeeklyList.Build(W41, IssuedOn, new WeeklyListInputs([], [], [], new Dictionary<UnitId, string> { [Zjj] = "住建局" }) { UnsignedNotices = unsigned });

    [Fact]
    public void Document_HasTheUnsignedSection_AsItsFourth_WithItsRows()
    {
        var document = DigestDocument.Of(List(new UnsignedEntry(Zjj, new ItemId("zjj-1"), "老旧小区改造", "督办〔2025〕0007号", EventLevel.Notice, new LocalDate(2025, 9, 30))));

        var section = document.Sections[3];
        Assert.Equal(("未签收的通报和约谈（1项）", "未签收"), (section.Title, section.Sheet));
        Assert.Equal(["单位", "事项", "督办文号", "级别", "送达日期"], section.Columns);
        Assert.Equal(["住建局", "老旧小区改造", "督办〔2025〕0007号", "通报", "2025-09-30"], Assert.Single(section.Rows).Select(DigestDocument.Text));
        Assert.Contains("四、未签收的通报和约谈（1项）", DigestHtml.Render(document, DigestLetterhead.Default), StringComparison.Ordinal);
    }

    [Fact]
    public void Document_HasOnlyTheThreeSections_WhenNothingIsUnsigned()
    {
        var document = DigestDocument.Of(List());

        Assert.Equal(["红黄灯事项", "逾期未办结", "发送失败"], document.Sections.Select(s => s.Sheet));
    }
}
