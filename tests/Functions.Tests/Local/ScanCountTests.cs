using Escalation.Functions.Local;

namespace Escalation.Functions.Tests.Local;

/// <summary>How the simulate and demo summaries count scans: the afternoon ones said apart when they ran.</summary>
public class ScanCountTests
{
    [Fact]
    public void ToString_SaysMorningsAndAfternoonsApart_WhenAfternoonScansRan() =>
        Assert.Equal("每日扫描 244 次（上午 122 次、下午 122 次）", new ScanCount(122, 122).ToString());

    [Fact]
    public void ToString_CountsTheMorningsOnly_WhenNoAfternoonScanRan() =>
        Assert.Equal("每日扫描 122 次", new ScanCount(122, 0).ToString());
}
