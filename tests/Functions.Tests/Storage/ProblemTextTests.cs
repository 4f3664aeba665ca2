using Escalation.Domain.Problems;
using Escalation.Functions.Storage;

namespace Escalation.Functions.Tests.Storage;

public class ProblemTextTests
{
    [Fact]
    public void Render_NamesTableAndFieldByTheirChineseNamesToo_WhenBothAreDeclared()
    {
        var problem = new Problem("tasks", "fgw-01", "Owner", "wu-hao", "「people」表中没有编号为「wu-hao」的人员。");

        var text = ProblemText.Render(problem);

        Assert.Equal("表「tasks」（任务）/ 行「fgw-01」：字段「Owner」（具体责任人）=「wu-hao」：「people」表中没有编号为「wu-hao」的人员。", text);
    }

    [Fact]
    public void Render_AddsOnlyTheTablesChineseName_WhenTheFieldIsNoColumnOfIt()
    {
        var problem = new Problem("tasks", "fgw-01", "Milestones", "完成 2026-05-29 30", "有两个节点在同一天。");

        var text = ProblemText.Render(problem);

        Assert.Equal("表「tasks」（任务）/ 行「fgw-01」：字段「Milestones」=「完成 2026-05-29 30」：有两个节点在同一天。", text);
    }

    [Fact]
    public void Render_IsTheDomainsRendering_WhenTheTableIsNotDeclared()
    {
        var problem = new Problem("elsewhere", "k", "Owner", null, "原因。");

        var text = ProblemText.Render(problem);

        Assert.Equal(problem.ToString(), text);
    }

    [Fact]
    public void Render_FindsTheTableAndColumn_WhateverTheCaseOfTheirNames()
    {
        var problem = new Problem("People", "p1", "mobile", "12345", "不是有效的手机号码。");

        var text = ProblemText.Render(problem);

        Assert.StartsWith("表「People」（人员）/ 行「p1」：字段「mobile」（手机）=「12345」", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NamesEngineTables_AsWellAsAdminTables()
    {
        var problem = new Problem("problems", "k", "Reason", null, "原因。");

        var text = ProblemText.Render(problem);

        Assert.StartsWith("表「problems」（问题）/ 行「k」：字段「Reason」（原因）：", text, StringComparison.Ordinal);
    }
}
