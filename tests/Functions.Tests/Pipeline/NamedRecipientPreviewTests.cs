using Escalation.Domain.Calendar;
using Escalation.Domain.Catalog;
using Escalation.Domain.Rules;
using Escalation.Functions.Import;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Import;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// The samples with R6 (连续三月落后约谈) also copied to 市发展改革委's principal and to 王建国 by name, as admins would
/// write it: the import takes the tokens, and <c>preview</c> names the other unit with the role. The samples' own rules
/// keep meaning what they meant.
/// </summary>
public sealed class NamedRecipientPreviewTests : IDisposable
{
    private static readonly Instant MondayMorning = Instant.FromUtc(2026, 6, 1, 2, 0);

    private readonly TempFolder _files = new();
    private readonly FakeClock _clock = new(MondayMorning, Duration.FromMilliseconds(1));

    [Fact]
    public void Preview_NamesTheOtherUnitWithTheRole_AndTheNamedPerson()
    {
        var samples = _files.CopyOf(Repo.Samples, "samples");
        var rules = Path.Combine(samples, "rules.csv");
        File.WriteAllText(rules, File.ReadAllText(rules).Replace(
            "\"lead-official,supervision-office\"", "\"lead-official,supervision-office,单位：fgw/主要负责人,人员:王建国\"", StringComparison.Ordinal));
        var store = _files["store"];
        var (importCode, _, importErrors) = Cli(["import", samples, "--store", store]);

        var (code, output, errors) = Cli(["preview", "--task", "jtj-2026-04", "--days", "30", "--store", store]);

        Assert.Equal((Commands.Cli.Ok, ""), (importCode, importErrors));
        Assert.Equal((Commands.Cli.Ok, ""), (code, errors));
        Assert.Contains("2026-06-02 【约谈】进度滞后 · 规则 R6「连续三月落后约谈」", output, StringComparison.Ordinal);
        Assert.Contains("；市发展改革委主要负责人 杨雪梅（fgw-yang）：", output, StringComparison.Ordinal);
        // 王建国 is jtj's lead official already: one copy, in the role named first.
        Assert.Contains("抄送：包保领导 王建国（city-wang）：", output, StringComparison.Ordinal);
        Assert.DoesNotContain("指定人员 王建国", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportAndCheck_KeepTheRuleAndReportItsFieldAndToken_WhenANamedPersonIsUnknown()
    {
        var samples = _files.CopyOf(Repo.Samples, "samples");
        var rules = Path.Combine(samples, "rules.csv");
        File.WriteAllText(rules, File.ReadAllText(rules).Replace(
            "\"lead-official,supervision-office\"", "\"lead-official,supervision-office,人员:王健国\"", StringComparison.Ordinal));
        var store = _files["store"];
        var (_, imported, _) = Cli(["import", samples, "--store", store]);

        var (code, output, _) = Cli(["check", "--store", store]);

        Assert.Contains("rules                  27       27", imported, StringComparison.Ordinal);
        Assert.Equal(Commands.Cli.DataError, code);
        Assert.Contains("R6", output, StringComparison.Ordinal);
        Assert.Contains("人员:王健国", output, StringComparison.Ordinal);
        Assert.Contains("「people」表中没有编号或姓名为「王健国」的人员", output, StringComparison.Ordinal);
    }

    [Fact]
    public void SampleRules_ResolveToTheRolesTheyAlwaysNamed()
    {
        var input = ImportSource.Read(Repo.Samples);
        IReadOnlyList<T> Rows<T>(AdminTable<T> table)
            where T : class =>
            [.. input.Tables.Single(t => t.Schema.Name == table.Schema.Name).Rows.Select(r => table.Create(r.Field))];
        var rows = ConfigurationRows.Empty with
        {
            Units = Rows(AdminTables.Units), People = Rows(AdminTables.People), Rules = Rows(AdminTables.Rules),
        };

        var (configuration, problems) = Configuration.Build(rows, ShippedCalendar.ChinaMainland, DateTimeZoneProviders.Tzdb["Asia/Shanghai"]);

        Assert.DoesNotContain(problems, p => p.Table == "rules");
        Assert.Equal(
            [
                "R1 owner |",
                "R2 owner |",
                "R3 owner,principal | supervision-office",
                "R4 owner,principal |",
                "R5 principal | supervision-office",
                "R6 principal,deputy | lead-official,supervision-office",
                "R7 principal,deputy |",
                "R8 principal,builder | supervision-office",
                "R9 owner |",
                "R10 owner |",
                "R11 supervision-office | lead-official",
                "I1 principal |",
                "I2 principal | supervision-office",
                "I3 principal,deputy | lead-official,supervision-office",
                "I4 principal | supervision-office",
                "I5 principal |",
                "I6 principal | supervision-office",
                "I7 principal | lead-official,supervision-office",
                "I8 deputy | supervision-office",
                "I9 principal | supervision-office",
                "I10 principal |",
                "I11 principal | supervision-office",
                "R12 supervision-office |",
                "R13 owner | principal",
                "R14 supervision-office | lead-official",
                "R15 principal |",
                "R16 supervision-office |",
            ],
            configuration.Rules.Select(r => $"{r.Id} {Words(r.To)} | {Words(r.Copy)}".TrimEnd()));
    }

    public void Dispose() => _files.Dispose();

    private static string Words(IReadOnlyList<RecipientSpec> specs) => string.Join(',', specs.Select(s => s switch
    {
        RecipientSpec.ByRole { Role: RecipientRole.Owner } => "owner",
        RecipientSpec.ByRole { Role: RecipientRole.UnitPrincipal } => "principal",
        RecipientSpec.ByRole { Role: RecipientRole.DeputyInCharge } => "deputy",
        RecipientSpec.ByRole { Role: RecipientRole.LeadOfficial } => "lead-official",
        RecipientSpec.ByRole { Role: RecipientRole.SupervisionOffice } => "supervision-office",
        RecipientSpec.ByRole { Role: RecipientRole.BuilderPrincipal } => "builder",
        _ => "named: " + s,
    }));

    private (int Code, string Stdout, string Stderr) Cli(string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Commands.Cli.Run(args, stdout, stderr, _ => null, _clock);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
