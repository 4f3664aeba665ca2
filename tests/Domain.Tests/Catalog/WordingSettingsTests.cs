using Escalation.Domain.Catalog;
using Escalation.Domain.Evaluation;
using Escalation.Domain.Items;
using Escalation.Domain.Wording;
using static Escalation.Domain.Tests.Catalog.CatalogFixture;

namespace Escalation.Domain.Tests.Catalog;

/// <summary>The settings table's keys for wording (SenderName, SmsSignature, ContactLine) and for LagGapForHeads.</summary>
public class WordingSettingsTests
{
    private static ConfigurationRows With(params SettingRow[] settings) => Rows with { Settings = [.. Settings, .. settings] };

    [Fact]
    public void Build_UsesTheDefaultWording_WhenNoWordingSettingIsSet()
    {
        var (configuration, problems) = Build(Rows);

        Assert.Empty(problems);
        Assert.Equal(("督查室", "【督查室】", (string?)null), (configuration.Wording.SenderName, configuration.Wording.SmsSignature, configuration.Wording.ContactLine));
        Assert.Equal(5, configuration.Options.LagGapForHeads);
    }

    [Fact]
    public void Build_ReadsTheWordingSettings_WhenValuesAreValid()
    {
        var rows = With(
            new SettingRow("SenderName", " 市政府督查室 "),
            new SettingRow("SmsSignature", "【市督查室】"),
            new SettingRow("ContactLine", "联系人：王某，电话：0755-12345678"),
            new SettingRow("LagGapForHeads", "3.5"));

        var (configuration, problems) = Build(rows);

        Assert.Empty(problems);
        Assert.Equal(("市政府督查室", "【市督查室】", (string?)"联系人：王某，电话：0755-12345678"), (configuration.Wording.SenderName, configuration.Wording.SmsSignature, configuration.Wording.ContactLine));
        Assert.Equal(3.5, configuration.Options.LagGapForHeads);
    }

    [Theory]
    [InlineData("督查室")]
    [InlineData("【督】")]
    [InlineData("【一二三四五六七八九十一二三】")]
    [InlineData("【督查室】【抄送】")]
    [InlineData("[督查室]")]
    [InlineData("【督查室")]
    public void Build_ReportsTheSmsSignatureAndKeepsTheDefault_WhenNotTwoToTwelveCharactersInBrackets(string signature)
    {
        var (configuration, problems) = Build(With(new SettingRow("SmsSignature", signature)));

        AssertSingleProblem(problems, "settings", "SmsSignature", "Value", signature, "短信签名应写成「【签名】」的形式：以「【」开头、以「】」结尾，括号内 2–12 个字");
        Assert.Equal("【督查室】", configuration.Wording.SmsSignature);
    }

    [Theory]
    [InlineData("【督查】")]
    [InlineData("【一二三四五六七八九十一二】")]
    public void SmsSignatureProblem_IsNull_ForTwoToTwelveCharactersInBrackets(string signature)
    {
        Assert.Null(WordingSettings.SmsSignatureProblem(signature));
    }

    [Fact]
    public void Build_ReportsTheSenderName_WhenLongerThanThirtyCharacters()
    {
        var name = new string('督', 31);

        var (configuration, problems) = Build(With(new SettingRow("SenderName", name)));

        AssertSingleProblem(problems, "settings", "SenderName", "Value", name, "落款不能超过 30 个字（现为 31 个字）");
        Assert.Equal("督查室", configuration.Wording.SenderName);
    }

    [Fact]
    public void Build_ReportsTheContactLine_WhenItHasALineBreak()
    {
        var (configuration, problems) = Build(With(new SettingRow("ContactLine", "联系人：王某\n电话：0755-12345678")));

        AssertSingleProblem(problems, "settings", "ContactLine", "Value", "联系人：王某\n电话：0755-12345678", "联系方式只能写一行");
        Assert.Null(configuration.Wording.ContactLine);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("101")]
    [InlineData("五")]
    public void Build_ReportsLagGapForHeadsAndKeepsTheDefault_WhenNotANumberFrom0To100(string value)
    {
        var (configuration, problems) = Build(With(new SettingRow("LagGapForHeads", value)));

        AssertSingleProblem(problems, "settings", "LagGapForHeads", "Value", value, "应为 0 到 100 之间的数字");
        Assert.Equal(EvaluationOptions.Default.LagGapForHeads, configuration.Options.LagGapForHeads);
    }

    [Fact]
    public void Build_ListsTheNewKeys_WhenAKeyIsUnknown()
    {
        var (_, problems) = Build(With(new SettingRow("Signature", "【督查室】")));

        AssertSingleProblem(problems, "settings", "Signature", "Key", "Signature", "「LagGapForHeads」、「SenderName」、「SmsSignature」、「ContactLine」");
    }

    [Fact]
    public void Build_GivesTheWordingEveryUnitsName_SoThatABuildersDemandNamesIt()
    {
        var rows = ConfigurationRows.Empty with { Units = [new UnitRow("zjj", "市住房城乡建设局"), new UnitRow("cjt", "市城市建设投资集团")] };

        var (configuration, _) = Build(rows);

        Assert.Equal("市城市建设投资集团", configuration.Wording.NameOf(new UnitId("cjt")));
        Assert.Equal("unknown", configuration.Wording.NameOf(new UnitId("unknown")));
    }
}
