using Escalation.Domain.Problems;

namespace Escalation.Domain.Catalog;

// Rows as admins write them: every field a string, exactly as typed in a table, a CSV line or a worksheet.
// Each row's Key is its row key in the table and the key problem reports name.

/// <summary>A responsible unit (责任单位) and the people in its roles.</summary>
public sealed record UnitRow(string? Id, string? Name, string? Principal = null, string? DeputyInCharge = null, string? LeadOfficial = null)
{
    public const string Table = "units";

    public string Key => KeyOf(Id);

    /// <summary>The trimmed id, or <see cref="Problem.NoKey"/> for problem reports when it is empty.</summary>
    public static string KeyOf(string? id) => string.IsNullOrWhiteSpace(id) ? Problem.NoKey : id.Trim();
}

/// <summary>A person who receives messages: staff of a unit, a lead official or the supervision office.</summary>
public sealed record PersonRow(string? Id, string? Name, string? Unit = null, string? Title = null, string? Email = null, string? Mobile = null, string? Channels = null)
{
    public const string Table = "people";

    /// <summary>网页角色: office, reporter, leader or none (Chinese words too); empty for the default.</summary>
    public string? Role { get; init; }

    /// <summary>登录账号: the Entra sign-in name when it is not the email.</summary>
    public string? Login { get; init; }

    public string Key => UnitRow.KeyOf(Id);
}

/// <summary>A supervised task, project or livelihood item with its deadline.</summary>
public sealed record TaskRow(
    string? Id,
    string? Unit,
    string? Title,
    string? Kind,
    string? Start,
    string? Deadline,
    string? Owner,
    string? PlanTemplate = null,
    string? Status = null,
    string? Cadence = null,
    string? LeadOfficial = null,
    string? PlannedStart = null,
    string? ActualStart = null,
    string? Builder = null)
{
    public const string Table = "tasks";

    public string Key => UnitRow.KeyOf(Id);
}

/// <summary>An explicit milestone of a task: by its due date, the task should have reached the target.</summary>
public sealed record MilestoneRow(string? Unit, string? Task, string? Due, string? Name, string? Target)
{
    public const string Table = "milestones";

    /// <summary><c>{task}:{due}</c>: one milestone per task and day.</summary>
    public string Key => $"{UnitRow.KeyOf(Task)}:{Due?.Trim()}";
}

/// <summary>One stage of a plan template (计划模板), in order; the last stage ends on the deadline.</summary>
public sealed record PlanStageRow(string? Template, string? TemplateName, string? Seq, string? Stage, string? WorkingDays, string? Target)
{
    public const string Table = "plantemplates";

    /// <summary><c>{template}:{seq}</c>.</summary>
    public string Key => $"{UnitRow.KeyOf(Template)}:{Seq?.Trim().PadLeft(2, '0')}";
}

/// <summary>A progress report (进度报送). Append-only: a correction is a later report, not an edit.</summary>
public sealed record ProgressRow(string? Unit, string? Task, string? ReportedOn, string? Seq, string? Progress, string? Note = null, string? ReportedBy = null)
{
    public const string Table = "progress";

    /// <summary><c>{task}:{reportedOn}:{seq}</c>; the sequence orders several reports of one day (default 1).</summary>
    public string Key => $"{UnitRow.KeyOf(Task)}:{ReportedOn?.Trim()}:{SeqOrDefault}";

    /// <summary>The sequence number as two digits, so that row keys sort in order.</summary>
    public string SeqOrDefault => string.IsNullOrWhiteSpace(Seq) ? "01" : Seq.Trim().PadLeft(2, '0');
}

/// <summary>A correction of the working calendar (调休), or a row declaring a whole year's arrangement loaded.</summary>
/// <param name="Date">An ISO date, or a year (<c>2027</c>) to declare that year's arrangement complete.</param>
/// <param name="Kind"><c>working</c>/<c>班</c> or <c>off</c>/<c>休</c> for a date; <c>year</c>/<c>全年</c> for a year.</param>
/// <param name="Name">The holiday or make-up day it belongs to, or the notice that declares the year.</param>
public sealed record CorrectionRow(string? Date, string? Kind, string? Name = null)
{
    public const string Table = "calendar";

    public string Key => UnitRow.KeyOf(Date);
}

/// <summary>A setting of the engine that admins may change without a deployment.</summary>
public sealed record SettingRow(string? Key, string? Value, string? Note = null)
{
    public const string Table = "settings";
}

/// <summary>
/// A cause recorded by the supervision office for one occurrence of a task: a period (neither judged nor chased), a
/// milestone (<c>milestone:2026-06-30</c>), the deadline or the start. An objective cause exempts it; a subjective one
/// is recorded only. A row naming an <see cref="Indicator"/> instead of a task exempts that indicator's period for
/// <see cref="Unit"/> (<see cref="Indicators.IndicatorExemption"/>): every exemption is in one table for the office.
/// </summary>
public sealed record ExemptionRow(
    string? Unit,
    string? Task,
    string? Period,
    string? ApprovedBy = null,
    string? ApprovedOn = null,
    string? Reason = null,
    string? Cause = null,
    string? Indicator = null)
{
    public const string Table = "exemptions";

    /// <summary>申请编号: the exemptionrequests row key of the request whose approval wrote this row; empty for a row the office wrote.</summary>
    public string? Request { get; init; }

    /// <summary>True for an indicator's exemption (the Indicator column is filled), read with the indicator, not the unit.</summary>
    public bool IsIndicator => !string.IsNullOrWhiteSpace(Indicator);

    /// <summary>
    /// <c>{task}:{period}</c>; for an indicator's exemption <c>ind:{indicator}/{unit}/{period}</c> (task ids cannot start
    /// with <c>ind:</c>, so the two never meet).
    /// </summary>
    public string Key => IsIndicator
        ? $"{Indicators.IndicatorItem.Prefix}{Indicator!.Trim()}/{UnitRow.KeyOf(Unit)}/{Period?.Trim()}"
        : $"{UnitRow.KeyOf(Task)}:{Period?.Trim()}";
}

/// <summary>
/// An explanation (情况说明), rectification report (整改报告) or special explanation (专题说明) submitted against a notice,
/// by the item's unit or another unit the notice demanded it of (<see cref="From"/>, e.g. the builder).
/// </summary>
public sealed record ExplanationRow(
    string? Unit, string? Notice, string? Task, string? Kind, string? SubmittedOn, string? SubmittedBy = null, string? Text = null, string? From = null)
{
    public const string Table = "explanations";

    /// <summary>
    /// 佐证材料: the evidence files, a JSON list of {Name, Sha256, Bytes, ContentType} as the web writes it, or file names
    /// separated by ； or ; (<see cref="Cases.EvidenceColumn"/>).
    /// </summary>
    public string? Evidence { get; init; }

    /// <summary>次序: 1 (or empty) for the first submission of a case, 2.. for resubmissions.</summary>
    public string? Seq { get; init; }

    /// <summary>提交时间: when it was submitted on the web (an instant, ISO 8601 UTC); empty for rows written by hand.</summary>
    public string? SubmittedAt { get; init; }

    /// <summary>
    /// <c>{notice}:{kind}</c>, and <c>:{from}</c> when another unit than the item's submitted it; from the second submission
    /// of a case on, <c>@{seq}</c> after it.
    /// </summary>
    public string Key => $"{UnitRow.KeyOf(Notice)}:{Kind?.Trim()}{(IsFromAnotherUnit ? ":" + From!.Trim() : "")}{(SeqNumber > 1 ? "@" + SeqNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}";

    /// <summary>The submission's number: <see cref="Seq"/> when it is a whole number from 1 to 99, else 1 (validation reports it).</summary>
    public int SeqNumber => int.TryParse(Seq?.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 99 ? n : 1;

    /// <summary>True when <see cref="From"/> names a unit other than the row's own (the item's unit).</summary>
    public bool IsFromAnotherUnit => !string.IsNullOrWhiteSpace(From) && From.Trim() != Unit?.Trim();
}

/// <summary>
/// An approved SMS template of a mainland gateway (短信模板) for one level and one event kind (or <c>grouped</c> for a
/// message carrying several items), and how the event's facts fill its variables.
/// </summary>
/// <param name="Level">提醒, 通报 or 约谈 (reminder, notice, summons).</param>
/// <param name="Kind">An event kind (due-soon, 进度滞后, …) or grouped/合并.</param>
/// <param name="TemplateCode">The gateway's approved template code (Aliyun <c>SMS_…</c>, Tencent a template id).</param>
/// <param name="Params">The variables in order: <c>name={placeholder};name2=text{placeholder}</c>.</param>
/// <param name="Note">Why it is so, the approved wording, for people.</param>
public sealed record SmsTemplateRow(string? Level, string? Kind, string? TemplateCode, string? Params, string? Note = null)
{
    public const string Table = "smstemplates";

    /// <summary>The row key: <c>{Level}:{Kind}</c> in the canonical words (<c>Notice:Lagging</c>), else as written.</summary>
    public string Key => Wording.SmsTemplateMap.KeyOf(Level, Kind);
}

/// <summary>
/// A group robot (机器人) of a unit or of the supervision office on WeCom or DingTalk. Its webhook and DingTalk signing
/// secret are never in the table: they are the settings <c>Escalation__Robots__{Id}__Webhook</c> and <c>__Secret</c>.
/// </summary>
/// <param name="Id">Letters and digits: it names the robot's settings.</param>
/// <param name="Unit">The unit id whose group the robot posts to, or 督查室/office for the supervision office's group.</param>
/// <param name="Platform">wecom/企业微信 or dingtalk/钉钉.</param>
/// <param name="Keyword">The DingTalk robot's custom keyword (自定义关键词), when that is its security setting.</param>
/// <param name="BaseUrl">Another host than the public one (a 政务微信 or 浙政钉 deployment), https.</param>
/// <param name="Note">For people: which group, who set it up.</param>
public sealed record RobotRow(string? Id, string? Unit, string? Platform, string? Keyword = null, string? BaseUrl = null, string? Note = null)
{
    public const string Table = "robots";

    public string Key => UnitRow.KeyOf(Id);
}
