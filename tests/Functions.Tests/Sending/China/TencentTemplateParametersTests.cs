using Escalation.Functions.Sending.China;

namespace Escalation.Functions.Tests.Sending.China;

public sealed class TencentTemplateParametersTests
{
    [Theory]
    [InlineData("市住建局", 12, "市住建局")]
    [InlineData("一二三四五六七八九十十一十二", 12, "一二三四五六七八九十十…")]
    [InlineData("一二三四五六七八九十十一", 12, "一二三四五六七八九十十一")]
    [InlineData("城东片区老旧小区改造项目", 6, "城东片区老…")]
    [InlineData("ABCDEFG", 1, "A")]
    [InlineData("ABCDEFG", 2, "A…")]
    public void Truncate_KeepsTheLimitWithAnEllipsis_WhenTheValueIsTooLong(string value, int limit, string expected)
    {
        var truncated = TencentTemplateParameters.Truncate(value, limit);

        Assert.Equal(expected, truncated);
        Assert.True(truncated.Length <= limit);
    }

    [Fact]
    public void Truncate_NeverSplitsACharacterOutsideTheBasicPlane_WhenCutting()
    {
        // 𠀀 is one character in two UTF-16 units: with room for three units and the ellipsis, only one 𠀀 fits.
        var truncated = TencentTemplateParameters.Truncate("𠀀𠀀𠀀", 4);

        Assert.Equal("𠀀…", truncated);
    }

    [Fact]
    public void Truncate_UsesTheGivenMark_WhenOneIsGiven()
    {
        Assert.Equal("城东片区等", TencentTemplateParameters.Truncate("城东片区老旧小区", 5, "等"));
        Assert.Equal(["ab", "c…"], TencentTemplateParameters.Truncate(["ab", "cde"], 2));
    }

    [Fact]
    public void Truncate_Throws_WhenTheLimitIsBelowOne()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TencentTemplateParameters.Truncate("x", 0));
    }
}
