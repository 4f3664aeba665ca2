using Escalation.Domain.Catalog;
using NodaTime;
using static Escalation.Domain.Tests.Catalog.CatalogFixture;

namespace Escalation.Domain.Tests.Catalog;

public class CalendarRowTests
{
    [Fact]
    public void Build_MakesSaturdayAWorkingDay_WhenACorrectionSaysSo()
    {
        var rows = Rows with { Calendar = [new CorrectionRow("2026-10-17", "班", "临时调整")] };

        var (configuration, problems) = Build(rows);

        Assert.Empty(problems);
        Assert.False(ValidConfiguration.Calendar.IsWorkingDay(D(2026, 10, 17)));
        Assert.True(configuration.Calendar.IsWorkingDay(D(2026, 10, 17)));
        Assert.Equal("临时调整", configuration.Calendar.Day(D(2026, 10, 17)).HolidayName);
        Assert.Equal(2, configuration.Roster.Units.Count);
    }

    [Fact]
    public void Build_KeepsShippedMakeUpDay_WhenACorrectionRepeatsIt()
    {
        var rows = Rows with { Calendar = [new CorrectionRow("2026-10-10", "班", "国庆节")] };

        var (configuration, problems) = Build(rows);

        Assert.Empty(problems);
        Assert.Equal(IsoDayOfWeek.Saturday, D(2026, 10, 10).DayOfWeek);
        Assert.True(configuration.Calendar.IsWorkingDay(D(2026, 10, 10)));
    }

    [Fact]
    public void Build_MakesShippedMakeUpDayADayOff_WhenACorrectionSaysSo()
    {
        var rows = Rows with { Calendar = [new CorrectionRow("2026-10-10", "休")] };

        var (configuration, problems) = Build(rows);

        Assert.Empty(problems);
        Assert.True(ValidConfiguration.Calendar.IsWorkingDay(D(2026, 10, 10)));
        Assert.False(configuration.Calendar.IsWorkingDay(D(2026, 10, 10)));
    }

    [Fact]
    public void Build_LoadsYearWithItsCorrections_WhenTheYearIsDeclared()
    {
        var rows = Rows with
        {
            Calendar =
            [
                new CorrectionRow("2027-01-01", "休", "元旦"),
                new CorrectionRow("2027", "全年", "国办发明电〔2026〕X号"),
                new CorrectionRow("2027-02-20", "班", "春节"),
            ],
        };

        var (configuration, problems) = Build(rows);

        Assert.Empty(problems);
        Assert.False(ValidConfiguration.Calendar.IsLoaded(2027));
        Assert.True(configuration.Calendar.IsLoaded(2027));
        Assert.False(configuration.Calendar.IsWorkingDay(D(2027, 1, 1)));
        Assert.True(configuration.Calendar.IsWorkingDay(D(2027, 2, 20)));
        Assert.True(configuration.Calendar.IsWorkingDay(D(2027, 1, 4)));
        Assert.False(configuration.Calendar.IsWorkingDay(D(2027, 1, 9)));
        Assert.True(configuration.Calendar.IsLoaded(2026));
    }

    [Fact]
    public void Build_RefusesToDeclareAShippedYear_AndKeepsItsHolidays()
    {
        var rows = Rows with { Calendar = [new CorrectionRow("2026", "year", "重复声明")] };

        var (configuration, problems) = Build(rows);

        var problem = Assert.Single(problems);
        Assert.Equal(("calendar", "2026", "Date", "2026"), (problem.Table, problem.Key, problem.Field, problem.Value));
        Assert.Contains("年的节假日安排已内置于系统", problem.Reason, StringComparison.Ordinal);
        Assert.False(configuration.Calendar.IsWorkingDay(D(2026, 10, 1)));
    }

    [Fact]
    public void Build_ReportsCorrectionAndLeavesYearUnloaded_WhenTheYearIsNotDeclared()
    {
        var rows = Rows with { Calendar = [new CorrectionRow("2027-02-20", "班", "春节")] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "calendar", "2027-02-20", "Date", "2027-02-20", "2027年的节假日安排尚未加载，单日调整无法生效");
        Assert.False(configuration.Calendar.IsLoaded(2027));
        Assert.True(configuration.Calendar.IsLoaded(2026));
    }

    [Theory]
    [InlineData("2026-10-17", "maybe", "无法识别「maybe」。可填：")]
    [InlineData("2026-10-17", "", "此项必填")]
    [InlineData("2027", "班", "「Kind」应填「year」或「全年」")]
    public void Build_ReportsKindAndSkipsRow_WhenKindIsUnknown(string date, string kind, string reason)
    {
        var rows = Rows with { Calendar = [new CorrectionRow(date, kind), new CorrectionRow("2026-10-24", "working")] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "calendar", date, "Kind", kind, reason);
        Assert.False(configuration.Calendar.IsWorkingDay(D(2026, 10, 17)));
        Assert.False(configuration.Calendar.IsLoaded(2027));
        Assert.True(configuration.Calendar.IsWorkingDay(D(2026, 10, 24)));
    }

    [Fact]
    public void Build_ReportsDateAndSkipsRow_WhenDateIsNotAnIsoDate()
    {
        var rows = Rows with { Calendar = [new CorrectionRow("10/17/2026", "班"), new CorrectionRow("2026-10-24", "班")] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "calendar", "10/17/2026", "Date", "10/17/2026", "不是有效的日期");
        Assert.True(configuration.Calendar.IsWorkingDay(D(2026, 10, 24)));
    }

    [Fact]
    public void Build_ReportsSecondRow_WhenTwoRowsCorrectTheSameDate()
    {
        var rows = Rows with { Calendar = [new CorrectionRow("2026-10-17", "班"), new CorrectionRow("2026-10-17", "休")] };

        var (configuration, problems) = Build(rows);

        AssertSingleProblem(problems, "calendar", "2026-10-17", "Date", "2026-10-17", "已有另一行调整同一日期");
        Assert.True(configuration.Calendar.IsWorkingDay(D(2026, 10, 17)));
    }

    [Fact]
    public void Build_ReportsEachRowWithoutDateAsMissing_NotAsARepeatedDate()
    {
        var rows = Rows with { Calendar = [new CorrectionRow("", "班"), new CorrectionRow(null, "休")] };

        var (_, problems) = Build(rows);

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Equal(("calendar", "（无编号）", "Date"), (p.Table, p.Key, p.Field)));
        Assert.All(problems, p => Assert.StartsWith("此项必填", p.Reason, StringComparison.Ordinal));
    }
}
