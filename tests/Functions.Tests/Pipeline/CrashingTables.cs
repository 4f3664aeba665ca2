using Azure;
using Azure.Data.Tables;
using Escalation.Functions.Storage;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// The tables, except that one conditional write (<see cref="IEntityTable.ReplaceIfMatch"/>) picked by
/// <paramref name="crashesAt"/> throws <paramref name="crash"/> before it is written: the process dying right before that
/// write. Only the first write picked crashes; the ones after it go through.
/// </summary>
internal sealed class CrashingTables(IEntityTables inner, Func<string, TableEntity, bool> crashesAt, Exception crash) : IEntityTables
{
    private int _crashed;

    /// <summary>True once the crash happened.</summary>
    public bool Crashed => _crashed > 0;

    public string Describe => inner.Describe;

    public async Task<IEntityTable> Table(string name, CancellationToken cancellationToken = default) =>
        new Crashing(await inner.Table(name, cancellationToken), this);

    private Exception Crash => crash;

    private bool CrashesAt(string table, TableEntity entity) =>
        crashesAt(table, entity) && Interlocked.CompareExchange(ref _crashed, 1, 0) == 0;

    private sealed class Crashing(IEntityTable inner, CrashingTables owner) : Tests.Storage.ForwardingTable(inner)
    {
        public override Task<bool> ReplaceIfMatch(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken = default) =>
            owner.CrashesAt(Inner.Name, entity) ? throw owner.Crash : Inner.ReplaceIfMatch(entity, ifMatch, cancellationToken);
    }
}
