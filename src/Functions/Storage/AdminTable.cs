using System.Globalization;
using Azure.Data.Tables;
using Escalation.Domain.Catalog;
using Escalation.Domain.Indicators;
using Escalation.Domain.Rules;
using Escalation.Domain.Wording;

namespace Escalation.Functions.Storage;

/// <summary>
/// How one admin table's rows map to entities: the keys, and the fields in schema order. Written out per table by hand;
/// the schema only decides how a value is typed in storage (numbers as numbers, everything else as the text admins wrote).
/// </summary>
public sealed class AdminTable<TRow>
    where TRow : class
{
    private readonly Func<TRow, (string PartitionKey, string RowKey)> _keys;
    private readonly Func<TRow, string?[]> _fields;
    private readonly Func<Func<string, string?>, TRow> _create;
    private readonly Func<TRow, string> _problemKey;

    internal AdminTable(
        TableSchema schema,
        IReadOnlyList<string> keyColumns,
        Func<TRow, (string, string)> keys,
        Func<TRow, string?[]> fields,
        Func<Func<string, string?>, TRow> create,
        Func<TRow, string> problemKey)
    {
        Schema = schema;
        KeyColumns = [.. keyColumns.Select(name => schema.Columns.Single(c => c.Name == name))];
        _keys = keys;
        _fields = fields;
        _create = create;
        _problemKey = problemKey;
    }

    public TableSchema Schema { get; }

    /// <summary>The columns whose values make up the partition and row keys (so they must be usable in a key).</summary>
    public IReadOnlyList<Column> KeyColumns { get; }

    /// <summary>The partition and row key the row is stored under.</summary>
    public (string PartitionKey, string RowKey) KeysOf(TRow row) => _keys(row);

    /// <summary>The key problem reports use for the row (the row key, except for tasks: the task id).</summary>
    public string ProblemKey(TRow row) => _problemKey(row);

    /// <summary>The row's fields in the order of <see cref="TableSchema.Columns"/>.</summary>
    public string?[] Fields(TRow row) => _fields(row);

    /// <summary>A row from named fields (an entity's properties, a CSV line, a worksheet row).</summary>
    public TRow Create(Func<string, string?> field) => _create(field);

    public TableEntity ToEntity(TRow row)
    {
        var (pk, rk) = _keys(row);
        var entity = new TableEntity(pk, rk);
        var fields = _fields(row);
        for (var i = 0; i < Schema.Columns.Count; i++)
        {
            var column = Schema.Columns[i];
            var text = fields[i]?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            // A value that does not parse as its column's type is kept as text, so nothing an admin wrote is lost;
            // validation reports it when the row is read.
            entity[column.Name] = column.Type switch
            {
                ColumnType.Number when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                ColumnType.WholeNumber when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
                _ => text,
            };
        }

        return entity;
    }

    public TRow FromEntity(TableEntity entity) => _create(name => Text(entity, name));

    /// <summary>Any stored property as invariant text: admins may retype a column in Storage Explorer.</summary>
    internal static string? Text(TableEntity entity, string name) =>
        entity.TryGetValue(name, out var value) ? value switch
        {
            null => null,
            string s => s,
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            DateTimeOffset t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var other => other.ToString(),
        } : null;

    /// <summary>The names of the columns, for projections.</summary>
    public IReadOnlyList<string> ColumnNames => [.. Schema.Columns.Select(c => c.Name)];
}

/// <summary>The fifteen admin tables.</summary>
public static class AdminTables
{
    public static AdminTable<UnitRow> Units { get; } = new(
        Tables.Units,
        ["Id"],
        r => ("unit", r.Key),
        r => [r.Id, r.Name, r.Principal, r.DeputyInCharge, r.LeadOfficial],
        f => new UnitRow(f("Id"), f("Name"), f("Principal"), f("DeputyInCharge"), f("LeadOfficial")),
        r => r.Key);

    public static AdminTable<PersonRow> People { get; } = new(
        Tables.People,
        ["Id"],
        r => ("person", r.Key),
        r => [r.Id, r.Name, r.Unit, r.Title, r.Email, r.Mobile, r.Channels, r.Role, r.Login],
        f => new PersonRow(f("Id"), f("Name"), f("Unit"), f("Title"), f("Email"), f("Mobile"), f("Channels")) { Role = f("Role"), Login = f("Login") },
        r => r.Key);

    public static AdminTable<TaskRow> Tasks { get; } = new(
        Tables.Tasks,
        ["Unit", "Id"],
        r => (UnitRow.KeyOf(r.Unit), r.Key),
        r => [r.Id, r.Unit, r.Title, r.Kind, r.Start, r.Deadline, r.Owner, r.PlanTemplate, r.Status, r.Cadence, r.LeadOfficial, r.PlannedStart, r.ActualStart, r.Builder],
        f => new TaskRow(
            f("Id"), f("Unit"), f("Title"), f("Kind"), f("Start"), f("Deadline"), f("Owner"), f("PlanTemplate"), f("Status"), f("Cadence"), f("LeadOfficial"),
            f("PlannedStart"), f("ActualStart"), f("Builder")),
        r => r.Key);

    public static AdminTable<MilestoneRow> Milestones { get; } = new(
        Tables.Milestones,
        ["Unit", "Task", "Due"],
        r => (UnitRow.KeyOf(r.Unit), r.Key),
        r => [r.Unit, r.Task, r.Due, r.Name, r.Target],
        f => new MilestoneRow(f("Unit"), f("Task"), f("Due"), f("Name"), f("Target")),
        r => r.Key);

    public static AdminTable<PlanStageRow> PlanTemplates { get; } = new(
        Tables.PlanTemplates,
        ["Template", "Seq"],
        r => ("plan", r.Key),
        r => [r.Template, r.TemplateName, r.Seq, r.Stage, r.WorkingDays, r.Target],
        f => new PlanStageRow(f("Template"), f("TemplateName"), f("Seq"), f("Stage"), f("WorkingDays"), f("Target")),
        r => r.Key);

    public static AdminTable<ProgressRow> Progress { get; } = new(
        Tables.Progress,
        ["Unit", "Task", "ReportedOn", "Seq"],
        r => (UnitRow.KeyOf(r.Unit), r.Key),
        r => [r.Unit, r.Task, r.ReportedOn, r.Seq, r.Progress, r.Note, r.ReportedBy],
        f => new ProgressRow(f("Unit"), f("Task"), f("ReportedOn"), f("Seq"), f("Progress"), f("Note"), f("ReportedBy")),
        r => r.Key);

    public static AdminTable<RuleRow> Rules { get; } = new(
        Tables.Rules,
        ["Id"],
        r => ("rule", UnitRow.KeyOf(r.Id)),
        r => [r.Id, r.Name, r.Level, r.Trigger, r.Days, r.Scope, r.Streak, r.Period, r.Tolerance, r.To, r.Copy, r.Channels, r.Template, r.Repeat, r.EffectiveFrom, r.Enabled, r.Demand, r.DemandDays, r.DemandRoll, r.DemandFrom, r.Scan, r.Consequence, r.ConsequenceUnit],
        f => new RuleRow
        {
            Id = f("Id"), Name = f("Name"), Level = f("Level"), Trigger = f("Trigger"), Days = f("Days"), Scope = f("Scope"),
            Streak = f("Streak"), Period = f("Period"), Tolerance = f("Tolerance"), To = f("To"), Copy = f("Copy"),
            Channels = f("Channels"), Template = f("Template"), Repeat = f("Repeat"), EffectiveFrom = f("EffectiveFrom"),
            Enabled = f("Enabled"), Demand = f("Demand"), DemandDays = f("DemandDays"), DemandRoll = f("DemandRoll"), DemandFrom = f("DemandFrom"), Scan = f("Scan"),
            Consequence = f("Consequence"), ConsequenceUnit = f("ConsequenceUnit"),
        },
        r => UnitRow.KeyOf(r.Id));

    public static AdminTable<MessageTemplate> Templates { get; } = new(
        Tables.Templates,
        ["Id"],
        r => ("template", UnitRow.KeyOf(r.Id)),
        r => [r.Id, r.Subject, r.Body, r.Sms],
        f => new MessageTemplate(f("Id") ?? "", f("Subject") ?? "", f("Body") ?? "", f("Sms") ?? ""),
        r => UnitRow.KeyOf(r.Id));

    public static AdminTable<SmsTemplateRow> SmsTemplates { get; } = new(
        Tables.SmsTemplates,
        ["Level", "Kind"],
        r => ("smstemplate", r.Key),
        r => [r.Level, r.Kind, r.TemplateCode, r.Params, r.Note],
        f => new SmsTemplateRow(f("Level"), f("Kind"), f("TemplateCode"), f("Params"), f("Note")),
        r => r.Key);

    public static AdminTable<RobotRow> Robots { get; } = new(
        Tables.Robots,
        ["Id"],
        r => ("robot", r.Key),
        r => [r.Id, r.Unit, r.Platform, r.Keyword, r.BaseUrl, r.Note],
        f => new RobotRow(f("Id"), f("Unit"), f("Platform"), f("Keyword"), f("BaseUrl"), f("Note")),
        r => r.Key);

    public static AdminTable<CorrectionRow> Calendar { get; } = new(
        Tables.Calendar,
        ["Date"],
        r => ("calendar", r.Key),
        r => [r.Date, r.Kind, r.Name],
        f => new CorrectionRow(f("Date"), f("Kind"), f("Name")),
        r => r.Key);

    public static AdminTable<SettingRow> Settings { get; } = new(
        Tables.Settings,
        ["Key"],
        r => ("setting", UnitRow.KeyOf(r.Key)),
        r => [r.Key, r.Value, r.Note],
        f => new SettingRow(f("Key"), f("Value"), f("Note")),
        r => UnitRow.KeyOf(r.Key));

    /// <summary>
    /// A task's exemption is stored with the unit's rows (partition: the unit); an indicator's with the indicator's, under
    /// <c>ind:{indicator}</c> (its item id in the log; no task id may start so), so that one partition read gives the
    /// indicator step every exemption of its indicator, as one partition of indicatorvalues gives it every value.
    /// </summary>
    public static AdminTable<ExemptionRow> Exemptions { get; } = new(
        Tables.Exemptions,
        ["Unit", "Task", "Indicator", "Period"],
        r => r.IsIndicator ? (IndicatorPartition(r.Indicator!.Trim()), $"{UnitRow.KeyOf(r.Unit)}:{r.Period?.Trim()}") : (UnitRow.KeyOf(r.Unit), r.Key),
        r => [r.Unit, r.Task, r.Indicator, r.Period, r.ApprovedBy, r.ApprovedOn, r.Reason, r.Cause, r.Request],
        f => new ExemptionRow(f("Unit"), f("Task"), f("Period"), f("ApprovedBy"), f("ApprovedOn"), f("Reason"), f("Cause"), f("Indicator")) { Request = f("Request") },
        r => r.Key);

    public static AdminTable<ExplanationRow> Explanations { get; } = new(
        Tables.Explanations,
        ["Unit", "Notice", "Kind", "From", "Seq"],
        r => (UnitRow.KeyOf(r.Unit), r.Key),
        r => [r.Unit, r.Notice, r.Task, r.Kind, r.SubmittedOn, r.SubmittedBy, r.Text, r.From, r.Evidence, r.Seq, r.SubmittedAt],
        f => new ExplanationRow(f("Unit"), f("Notice"), f("Task"), f("Kind"), f("SubmittedOn"), f("SubmittedBy"), f("Text"), f("From"))
        {
            Evidence = f("Evidence"), Seq = f("Seq"), SubmittedAt = f("SubmittedAt"),
        },
        r => r.Key);

    public static AdminTable<IndicatorRow> Indicators { get; } = new(
        Tables.Indicators,
        ["Id"],
        r => ("indicator", r.Key),
        r => [r.Id, r.Name, r.Owner, r.MeasureUnit, r.Direction, r.Accumulation, r.PeriodKind, r.AnnualTarget, r.Floor, r.Stretch, r.CheckAt, r.RankFloor, r.RankGoal, r.RankStretch, r.NotLowerThan, r.Lag, r.YellowRatio],
        f => new IndicatorRow
        {
            Id = f("Id"), Name = f("Name"), Owner = f("Owner"), MeasureUnit = f("MeasureUnit"), Direction = f("Direction"), Accumulation = f("Accumulation"),
            PeriodKind = f("PeriodKind"), AnnualTarget = f("AnnualTarget"), Floor = f("Floor"), Stretch = f("Stretch"), CheckAt = f("CheckAt"),
            RankFloor = f("RankFloor"), RankGoal = f("RankGoal"), RankStretch = f("RankStretch"), NotLowerThan = f("NotLowerThan"), Lag = f("Lag"), YellowRatio = f("YellowRatio"),
        },
        r => r.Key);

    /// <summary>Partitioned by indicator: the indicator step reads every unit's values of its indicator with one partition query.</summary>
    public static AdminTable<IndicatorValueRow> IndicatorValues { get; } = new(
        Tables.IndicatorValues,
        ["Indicator", "Unit", "Period"],
        r => (UnitRow.KeyOf(r.Indicator), $"{UnitRow.KeyOf(r.Unit)}:{r.Period?.Trim()}"),
        r => [r.Indicator, r.Unit, r.Period, r.Value, r.Published, r.ProvincialRank, r.PeerCount, r.ProvincialAverage, r.EnteredBy],
        f => new IndicatorValueRow(f("Indicator"), f("Unit"), f("Period"), f("Value"), f("Published"), f("ProvincialRank"), f("PeerCount"), f("ProvincialAverage"), f("EnteredBy")),
        r => r.Key);

    public static AdminTable<RankingGroupRow> RankingGroups { get; } = new(
        Tables.RankingGroups,
        ["Id"],
        r => ("rankinggroup", r.Key),
        r => [r.Id, r.Name, r.Indicator, r.Units, r.BottomK, r.TopK],
        f => new RankingGroupRow(f("Id"), f("Name"), f("Indicator"), f("Units"), f("BottomK"), f("TopK")),
        r => r.Key);

    /// <summary>The exemptions partition of an indicator's exemptions: <c>ind:{indicator}</c>.</summary>
    public static string IndicatorPartition(string indicator) => IndicatorItem.Prefix + indicator;
}
