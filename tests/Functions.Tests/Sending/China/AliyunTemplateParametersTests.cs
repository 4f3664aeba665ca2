using Escalation.Functions.Sending.China;

namespace Escalation.Functions.Tests.Sending.China;

/// <summary>Template variables fitted to the per-variable limit by rule, and their JSON.</summary>
public sealed class AliyunTemplateParametersTests
{
    [Theory]
    [InlineData("道路整治", 20, "道路整治")]
    [InlineData("一二三四五", 5, "一二三四五")]
    [InlineData("一二三四五六", 5, "一二三四…")]
    [InlineData("abcdef", 1, "a")]
    [InlineData("", 3, "")]
    [InlineData("😀😀😀😀", 3, "😀😀…")]
    public void Truncate_KeepsTheStartAndMarksTheCut_WhenLongerThanTheLimit(string value, int limit, string expected)
    {
        Assert.Equal(expected, AliyunTemplateParameters.Truncate(value, limit));
    }

    [Fact]
    public void Fit_UsesTwentyCharactersAndNamesTheCutVariables_ByDefault()
    {
        var fitted = AliyunTemplateParameters.Fit(new Dictionary<string, string>
        {
            ["unit"] = "区住房和城乡建设局",
            ["task"] = "城市更新重点项目老旧小区综合整治第三批工程",
            ["days"] = "3",
        });

        Assert.Equal(["task"], fitted.Truncated);
        Assert.Equal("城市更新重点项目老旧小区综合整治第三批…", fitted.Values["task"]);
        Assert.Equal(20, fitted.Values["task"].Length);
        Assert.Equal("区住房和城乡建设局", fitted.Values["unit"]);
    }

    [Fact]
    public void Fit_TakesTheLimitAsAParameter()
    {
        var fitted = AliyunTemplateParameters.Fit(new Dictionary<string, string> { ["task"] = "城市更新重点项目" }, 35);

        Assert.Empty(fitted.Truncated);
        Assert.Throws<ArgumentOutOfRangeException>(() => AliyunTemplateParameters.Fit(new Dictionary<string, string>(), 0));
    }

    [Fact]
    public void ToJson_WritesStringValuesWithChineseUnescaped()
    {
        var json = AliyunTemplateParameters.ToJson(new Dictionary<string, string> { ["task"] = "道路\"整治\"\n二期", ["days"] = "3" });

        Assert.Equal("{\"task\":\"道路\\u0022整治\\u0022\\n二期\",\"days\":\"3\"}", json);
    }
}
