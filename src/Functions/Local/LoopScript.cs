using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Escalation.Domain.Cases;
using Escalation.Domain.Catalog;
using Escalation.Domain.Events;
using Escalation.Domain.Items;
using Escalation.Functions.Cases;
using Escalation.Functions.Web.Uploads;
using NodaTime;
using NodaTime.Text;

namespace Escalation.Functions.Local;

/// <summary>What a scripted step does: the closed loop's four calls, as the web makes them.</summary>
internal enum LoopStep
{
    /// <summary>答复: a unit submits an explanation or rectification (<see cref="ClosedLoop.SubmitAnswer(PersonId, UnitId, string?, string?, string?, EvidenceUploads, UnitId?, CancellationToken)"/>).</summary>
    Answer,

    /// <summary>处理: the office decides on an answer (<see cref="ClosedLoop.Decide"/>).</summary>
    Decide,

    /// <summary>申请豁免: a unit requests an exemption (<see cref="ClosedLoop.RequestExemption(PersonId, UnitId, string?, string?, string?, string?, EvidenceUploads, CancellationToken)"/>).</summary>
    Exemption,

    /// <summary>审批豁免: the office approves or denies a request (<see cref="ClosedLoop.DecideExemption"/>).</summary>
    DecideExemption,
}

/// <summary>
/// One scripted step of the closed loop: at <paramref name="At"/> (local time), <paramref name="Person"/> does
/// <paramref name="Step"/> for <paramref name="Unit"/> on <paramref name="Subject"/> (a notice's event id for an answer, an
/// answer's explanations row key for a decision, a task id for an exemption request, a request's row key for its decision).
/// </summary>
/// <param name="Line">The file's line, for errors.</param>
/// <param name="At">When, local.</param>
/// <param name="Person">Who acts (a reporter of the unit, or the office).</param>
/// <param name="Step">What is done.</param>
/// <param name="Unit">The unit acted for (the answering or requesting unit; for a decision the task's unit).</param>
/// <param name="Subject">What the step is about.</param>
/// <param name="Kind">The answer's kind (说明, 整改, 专题说明), the decision (采纳, 退回, 虚假整改, 批准, 不予批准), or the exemption's period.</param>
/// <param name="Text">The answer's text, the decision's reason or the request's cause.</param>
/// <param name="Evidence">Files of the script's <c>evidence</c> folder to attach.</param>
/// <param name="TaskUnit">For a builder's answer: the unit the notice is logged under; null for <paramref name="Unit"/>.</param>
internal sealed record LoopAction(
    int Line, LocalDateTime At, PersonId Person, LoopStep Step, UnitId Unit, string Subject, string? Kind, string? Text, IReadOnlyList<string> Evidence, UnitId? TaskUnit)
{
    /// <summary>The unit whose log the step's events are in: the task's unit.</summary>
    public UnitId LogUnit => TaskUnit ?? Unit;
}

/// <summary>
/// The closed loop scripted for a simulation: <c>loop/actions.csv</c> in a data folder (beside the tables' CSV files; the
/// import does not read subfolders) lists answers, decisions and exemption requests with the local time each happens, and
/// <c>loop/evidence/</c> holds the files they attach. <c>simulate</c> and <c>demo</c> apply each step on its day through
/// <see cref="ClosedLoop"/>, the same calls the web makes, so the records are written, and the other side told, when the
/// step happens and not before: a record dated after a simulated day cannot act on that day.
/// </summary>
internal static class LoopScript
{
    /// <summary>The script's folder inside a data folder.</summary>
    public const string Folder = "loop";

    /// <summary>The script's file name.</summary>
    public const string FileName = "actions.csv";

    /// <summary>The folder of the files the steps attach.</summary>
    public const string EvidenceFolder = "evidence";

    private static readonly LocalDateTimePattern AtPattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm");

    private static readonly Dictionary<string, LoopStep> Steps = new(StringComparer.OrdinalIgnoreCase)
    {
        ["answer"] = LoopStep.Answer, ["答复"] = LoopStep.Answer,
        ["decide"] = LoopStep.Decide, ["处理"] = LoopStep.Decide,
        ["exemption"] = LoopStep.Exemption, ["申请豁免"] = LoopStep.Exemption,
        ["decide-exemption"] = LoopStep.DecideExemption, ["审批豁免"] = LoopStep.DecideExemption,
    };

    /// <summary>The script's path in <paramref name="dataFolder"/>, or null when the folder has none.</summary>
    public static string? PathIn(string dataFolder)
    {
        var path = Path.Combine(dataFolder, Folder, FileName);
        return Directory.Exists(dataFolder) && File.Exists(path) ? path : null;
    }

    /// <summary>
    /// Reads a script: its steps in time order (ties in file order), or the Chinese problems of its faulty lines (any
    /// problem stops the simulation before it starts: a script half applied would tell a different story).
    /// </summary>
    public static (IReadOnlyList<LoopAction> Actions, IReadOnlyList<string> Problems) Read(string path)
    {
        var actions = new List<LoopAction>();
        var problems = new List<string>();
        var name = Path.Combine(Folder, FileName);
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim, MissingFieldFound = null });
        if (!csv.Read() || !csv.ReadHeader())
        {
            return ([], [$"{name}：文件是空的。请写上表头 At,Person,Action,Unit,Subject,Kind,Text,Evidence,TaskUnit，或删除这个文件。"]);
        }

        string[] required = ["At", "Person", "Action", "Unit", "Subject"];
        if (required.Where(c => !csv.HeaderRecord!.Contains(c, StringComparer.Ordinal)).ToList() is { Count: > 0 } missing)
        {
            return ([], [$"{name}：缺少列 {string.Join("、", missing)}。表头应为 At,Person,Action,Unit,Subject,Kind,Text,Evidence,TaskUnit。"]);
        }

        while (csv.Read())
        {
            var line = csv.Parser.Row;
            string? Field(string column) => csv.HeaderRecord!.Contains(column, StringComparer.Ordinal) && csv.GetField(column) is { Length: > 0 } v ? v : null;
            var at = AtPattern.Parse(Field("At") ?? "");
            if (!at.Success)
            {
                problems.Add($"{name} 第 {line} 行：At「{Field("At")}」不是本地时间。请写成 yyyy-MM-ddTHH:mm，如 2026-05-12T10:00。");
                continue;
            }

            if (Field("Action") is not { } stepText || !Steps.TryGetValue(stepText, out var step))
            {
                problems.Add($"{name} 第 {line} 行：Action「{Field("Action")}」无法识别。请填写 answer/答复、decide/处理、exemption/申请豁免 或 decide-exemption/审批豁免。");
                continue;
            }

            if (Field("Person") is not { } person || Field("Unit") is not { } unit || Field("Subject") is not { } subject)
            {
                problems.Add($"{name} 第 {line} 行：Person、Unit、Subject 都必须填写。");
                continue;
            }

            var evidence = (Field("Evidence") ?? "").Split([';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            actions.Add(new LoopAction(line, at.Value, new PersonId(person), step, new UnitId(unit), subject, Field("Kind"), Field("Text"), evidence,
                Field("TaskUnit") is { } taskUnit ? new UnitId(taskUnit) : null));
        }

        return ([.. actions.OrderBy(a => a.At).ThenBy(a => a.Line)], problems);
    }

    /// <summary>
    /// Applies one step through <paramref name="loop"/> (evidence files checked by the upload policy as an upload would be,
    /// and stored in <paramref name="store"/> by the loop once it accepts the step): the events it caused, or the Chinese
    /// reason it was refused. A refusal is the script's fault (the demo must tell the story it says), so the caller stops on it.
    /// </summary>
    public static async Task<(IReadOnlyList<EventId> Events, string? Refused)> Apply(
        ClosedLoop loop, IEvidenceStore store, string evidenceFolder, LoopAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(action);
        var uploads = new List<EvidenceUpload>();
        foreach (var name in action.Evidence)
        {
            var path = Path.Combine(evidenceFolder, name);
            if (!File.Exists(path))
            {
                return ([], $"佐证材料 {name} 不在 {evidenceFolder} 中。请把文件放进该文件夹，或从 Evidence 列中删去它。");
            }

            await using var content = File.OpenRead(path);
            switch (new UploadPolicy().Check(name, content))
            {
                case UploadCheck.Accepted accepted:
                    uploads.Add(new EvidenceUpload(accepted.File, _ => Task.FromResult<Stream>(File.OpenRead(path))));
                    break;
                case UploadCheck.Refused refused:
                    return ([], refused.Message);
            }
        }

        var files = EvidenceUploads.Checked(uploads, store);

        var (events, refusal) = action.Step switch
        {
            LoopStep.Answer => Outcome(await loop.SubmitAnswer(action.Person, action.Unit, action.Subject, action.Kind, action.Text, files, action.TaskUnit, cancellationToken).ConfigureAwait(false)),
            LoopStep.Decide => Outcome(await loop.Decide(action.Person, action.Unit, action.Subject, action.Kind, action.Text, cancellationToken).ConfigureAwait(false)),
            LoopStep.Exemption => Outcome(await loop.RequestExemption(action.Person, action.Unit, action.Subject, null, action.Kind, action.Text, files, cancellationToken).ConfigureAwait(false)),
            _ => Outcome(await loop.DecideExemption(action.Person, action.Unit, action.Subject, action.Kind, action.Text, cancellationToken).ConfigureAwait(false)),
        };
        return (events, refusal?.Message);
    }

    private static (IReadOnlyList<EventId> Events, Refusal? Refusal) Outcome<T>(LoopResult<T> result)
        where T : class => (result.Events, result.Refusal);
}

/// <summary>A scripted step the closed loop refused: the script does not tell the story it says, so the simulation stops.</summary>
internal sealed class LoopScriptException(string message) : Exception(message);

/// <summary>
/// The script's steps during a simulation: before each scan, every step due before it is applied at its own time (the
/// clock moved there, what the bus holds until then handed over first), through a <see cref="ClosedLoop"/> that publishes
/// on local mode's bus and hands its messages to the senders at once, as the local web does. The events each step logged
/// are told to <c>onLogged</c> (the engine's own <c>Logged</c> hears only the scans').
/// </summary>
internal sealed class ScriptedSteps
{
    private readonly IReadOnlyList<LoopAction> _actions;
    private readonly Storage.EscalationLog _log;
    private readonly LocalMode _local;
    private readonly SteppingClock _clock;
    private readonly DateTimeZone _zone;
    private readonly string _evidence;
    private readonly IEvidenceStore _store;
    private readonly ClosedLoop _loop;
    private readonly Action<EscalationEvent> _onLogged;
    private readonly HashSet<EventId> _told = [];
    private int _next;

    public ScriptedSteps(
        IReadOnlyList<LoopAction> actions, Storage.IEntityTables tables, LocalMode local, SteppingClock clock, DateTimeZone zone, string evidence, string storeFolder,
        Microsoft.Extensions.Logging.ILoggerFactory loggers, Action<EscalationEvent> onLogged)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(loggers);
        _actions = actions;
        _log = new Storage.EscalationLog(tables);
        _local = local;
        _clock = clock;
        _zone = zone;
        _evidence = evidence;
        _store = new FolderEvidenceStore(storeFolder);
        _onLogged = onLogged;
        _loop = new ClosedLoop(tables, local.Bus, clock, zone, loggers.CreateLogger("Escalation.ClosedLoop"),
            async ct => await local.Bus.Drain(clock.GetCurrentInstant(), clock.AdvanceTo, ct).ConfigureAwait(false));
    }

    /// <summary>Steps applied so far.</summary>
    public int Applied { get; private set; }

    /// <summary>Steps not applied because their time is outside the simulated stretch (before it, or not reached yet).</summary>
    public int Outside => _skipped + _actions.Count - _next;

    private int _skipped;

    /// <summary>Applies every step due before <paramref name="at"/>, each at its time.</summary>
    public async Task Until(Instant at, CancellationToken cancellationToken)
    {
        while (_next < _actions.Count && _actions[_next].At.InZoneLeniently(_zone).ToInstant() < at)
        {
            var action = _actions[_next++];
            var when = action.At.InZoneLeniently(_zone).ToInstant();
            if (when < _clock.GetCurrentInstant())
            {
                // Before the stretch (or the script is out of order with the clock): applying it now would date it wrongly.
                _skipped++;
                continue;
            }

            await _local.Bus.Drain(when, _clock.AdvanceTo, cancellationToken).ConfigureAwait(false);
            _clock.AdvanceTo(when);
            var (events, refused) = await LoopScript.Apply(_loop, _store, _evidence, action, cancellationToken).ConfigureAwait(false);
            if (refused is not null)
            {
                throw new LoopScriptException(string.Create(CultureInfo.InvariantCulture,
                    $"{Path.Combine(LoopScript.Folder, LoopScript.FileName)} 第 {action.Line} 行（{action.At:uuuu-MM-dd HH:mm}，{action.Person.Value}）未能执行，模拟已停止：{refused}"));
            }

            Applied++;
            foreach (var id in events)
            {
                if (_told.Add(id) && await _log.Find(action.LogUnit, id, cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    _onLogged(entry.Event);
                }
            }
        }
    }
}
