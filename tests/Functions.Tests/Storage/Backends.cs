using Escalation.Functions.Storage;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Storage;

/// <summary>The two table backends the contract suites run against.</summary>
public interface IBackend
{
    /// <summary>A fresh, empty set of tables for one test (unique table names on Azurite, a new folder for SQLite).</summary>
    IEntityTables Fresh();
}

/// <summary>Azurite, started by ./test.sh, which passes its connection string in ESCALATION_TEST_TABLES.</summary>
public sealed class AzuriteBackend : IBackend
{
    public const string Variable = "ESCALATION_TEST_TABLES";

    public IEntityTables Fresh()
    {
        var connection = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(connection))
        {
            // Not a skip: the contract must hold on the real Table API. ./test.sh installs and starts Azurite.
            throw new InvalidOperationException(
                $"{Variable} is not set. Run ./test.sh, which installs Azurite (npm ci) and starts azurite-table, or start it yourself and set {Variable} to its connection string.");
        }

        return new PrefixedTables(AzureTables.FromConnectionString(connection), "t" + Guid.NewGuid().ToString("N")[..10]);
    }

    /// <summary>Gives each test its own tables on the shared Azurite, so tests run in parallel without seeing each other.</summary>
    private sealed class PrefixedTables(IEntityTables inner, string prefix) : IEntityTables
    {
        public string Describe => inner.Describe;

        public Task<IEntityTable> Table(string name, CancellationToken cancellationToken = default) => inner.Table(prefix + name, cancellationToken);
    }
}

/// <summary>The embedded SQLite store in a fresh temporary folder.</summary>
public sealed class SqliteBackend : IBackend, IDisposable
{
    private readonly List<string> _folders = [];

    public static IClock Clock { get; } = new FakeClock(Instant.FromUtc(2026, 6, 1, 0, 30), Duration.FromMilliseconds(1));

    public IEntityTables Fresh()
    {
        var folder = Path.Combine(Path.GetTempPath(), "escalation-tests", Guid.NewGuid().ToString("N"));
        _folders.Add(folder);
        return SqliteTables.Open(folder, Clock);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var folder in _folders)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }
}
