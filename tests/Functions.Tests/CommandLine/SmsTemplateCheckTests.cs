using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Import;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.CommandLine;

/// <summary>
/// <c>check</c> with a mainland SMS gateway: every (level, kind) an enabled SMS rule can raise must have an smstemplates
/// row (or the level's grouped row); what is missing is reported in Chinese, naming the rule and the row, and kept in
/// the problems table under its own scope until fixed. With ACS nothing is asked of smstemplates.
/// </summary>
public sealed class SmsTemplateCheckTests : IDisposable
{
    private static readonly Instant MondayMorning = Instant.FromUtc(2026, 6, 1, 2, 0);

    private readonly TempFolder _files = new();
    private readonly FakeClock _clock = new(MondayMorning, Duration.FromMilliseconds(1));

    private static readonly Dictionary<string, string> Aliyun = new(StringComparer.Ordinal)
    {
        ["Escalation__Sms__Provider"] = "aliyun",
        ["Escalation__Sms__SignName"] = "市督查室",
    };

    [Fact]
    public async Task Check_ReportsTheRulesWhoseSmsHasNoTemplateRow_WhenTheProviderIsAGateway()
    {
        var store = ImportSamplesWithout("通报,");

        var (code, output, _) = Cli(["check", "--store", store], Aliyun);

        Assert.Equal(Commands.Cli.DataError, code);
        Assert.Contains("行「R3」：字段「Channels」（渠道）=「sms」：规则「逾期未完成挂牌督办」以短信发送「通报」级「逾期未完成」事件", output, StringComparison.Ordinal);
        Assert.Contains("阿里云短信", output, StringComparison.Ordinal);
        Assert.Contains("表「smstemplates」（短信模板）/ 行「Notice:grouped」", output, StringComparison.Ordinal);
        Assert.Contains("规则 R3、R5、R8 以短信发送「通报」级事件", output, StringComparison.Ordinal);
        var recorded = await new ProblemLog(SqliteTables.Open(store, _clock)).Of(ProblemLog.SmsGatewayScope);
        Assert.Contains(recorded, p => p.Problem is { Table: "rules", Key: "R3", Field: "Channels" });
    }

    [Fact]
    public async Task Check_ResolvesTheProblems_OnceTheProviderIsAcsAgain()
    {
        var store = ImportSamplesWithout("通报,");
        Cli(["check", "--store", store], Aliyun);

        var (_, output, _) = Cli(["check", "--store", store], []);

        Assert.DoesNotContain("smstemplates", output, StringComparison.Ordinal);
        var recorded = await new ProblemLog(SqliteTables.Open(store, _clock)).Of(ProblemLog.SmsGatewayScope);
        Assert.NotEmpty(recorded);
        Assert.All(recorded, p => Assert.False(p.Open));
    }

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Check_FindsNothingMissing_InTheSampleSmsTemplates()
    {
        var store = ImportSamplesWithout("no row has this");

        var (_, output, _) = Cli(["check", "--store", store], Aliyun);

        Assert.DoesNotContain("smstemplates", output, StringComparison.Ordinal);
        Assert.Empty(await new ProblemLog(SqliteTables.Open(store, _clock)).Of(ProblemLog.SmsGatewayScope));
    }

    /// <summary>The samples imported, without the smstemplates rows whose line contains <paramref name="dropped"/>.</summary>
    private string ImportSamplesWithout(string dropped)
    {
        var samples = _files.CopyOf(Repo.Samples, "samples");
        var templates = Path.Combine(samples, "smstemplates.csv");
        if (File.Exists(templates))
        {
            File.WriteAllLines(templates, File.ReadAllLines(templates).Where((line, i) => i == 0 || !line.Contains(dropped, StringComparison.Ordinal)));
        }

        var store = _files["store"];
        var (code, _, errors) = Cli(["import", samples, "--store", store], []);
        Assert.Equal((Commands.Cli.Ok, ""), (code, errors));
        return store;
    }

    private (int Code, string Stdout, string Stderr) Cli(string[] args, Dictionary<string, string> settings)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Commands.Cli.Run(args, stdout, stderr, key => settings.GetValueOrDefault(key), _clock);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
