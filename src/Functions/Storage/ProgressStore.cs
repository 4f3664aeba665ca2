using System.Globalization;
using Escalation.Domain.Catalog;
using Escalation.Domain.Items;

namespace Escalation.Functions.Storage;

/// <summary>What became of a progress report sent from the web.</summary>
internal enum ProgressWrite
{
    /// <summary>Written under the sequence number returned.</summary>
    Written,

    /// <summary>The same report of the same form was already written (a double submit): nothing was written again.</summary>
    AlreadyWritten,

    /// <summary>The day already has 99 reports of the task: nothing was written.</summary>
    DayFull,
}

/// <summary>
/// The web's access to the <c>progress</c> table (the same rows an import writes, <see cref="AdminTables.Progress"/>): a
/// task's reports, and a new report appended under the next free sequence number of its day.
/// </summary>
internal sealed class ProgressStore(IEntityTables tables)
{
    /// <summary>The task's report rows in key order (date, then sequence), as stored (not validated).</summary>
    public async Task<IReadOnlyList<ProgressRow>> Rows(UnitId unit, ItemId task, CancellationToken cancellationToken = default)
    {
        var table = await tables.Table(ProgressRow.Table, cancellationToken).ConfigureAwait(false);
        var rows = new List<ProgressRow>();
        await foreach (var entity in table.Query(EntityQuery.Prefix(unit.Value, task.Value + ":"), cancellationToken).ConfigureAwait(false))
        {
            var row = AdminTables.Progress.FromEntity(entity);
            // The prefix also matches a task whose id continues after a colon; keys are task:date:seq.
            if (string.Equals(row.Task?.Trim(), task.Value, StringComparison.Ordinal))
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    /// <summary>
    /// Appends <paramref name="report"/> (its Seq ignored) under the first sequence number from <paramref name="firstSeq"/>
    /// that is free, insert-if-absent. A taken number holding the same report (progress, note, reporter) is this form's
    /// earlier submission: then nothing is written. Two submissions of one form start from the same number, so whichever
    /// comes second meets the first's row on its way and stops: a form writes at most one row.
    /// </summary>
    public async Task<(ProgressWrite Outcome, int Seq)> Append(ProgressRow report, int firstSeq, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstSeq, 1);
        var table = await tables.Table(ProgressRow.Table, cancellationToken).ConfigureAwait(false);
        for (var seq = firstSeq; seq <= 99; seq++)
        {
            var row = report with { Seq = seq.ToString(CultureInfo.InvariantCulture) };
            var entity = AdminTables.Progress.ToEntity(row);
            if (await table.AddIfAbsent(entity, cancellationToken).ConfigureAwait(false))
            {
                return (ProgressWrite.Written, seq);
            }

            if (await table.Find(entity.PartitionKey, entity.RowKey, null, cancellationToken).ConfigureAwait(false) is { } taken
                && Same(AdminTables.Progress.FromEntity(taken), AdminTables.Progress.FromEntity(entity)))
            {
                return (ProgressWrite.AlreadyWritten, seq);
            }
        }

        return (ProgressWrite.DayFull, 0);
    }

    private static bool Same(ProgressRow a, ProgressRow b) =>
        a.Progress == b.Progress && (a.Note ?? "") == (b.Note ?? "") && a.ReportedBy == b.ReportedBy;
}
