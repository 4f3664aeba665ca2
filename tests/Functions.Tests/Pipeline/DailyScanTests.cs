using Escalation.Domain.Calendar;
using Escalation.Functions.Messaging;
using Escalation.Functions.Pipeline;
using Escalation.Functions.Storage;
using Escalation.Functions.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Pipeline;

public sealed class DailyScanTests : IDisposable
{
    private readonly SqliteBackend _backend = new();

    [Fact]
    public async Task Run_RecordsAChineseProblemSayingHowToAddTheYear_WhenTodayHasNoCalendar()
    {
        // 2030 ships with no holiday arrangement, and the empty store declares none.
        var tables = _backend.Fresh();
        var publisher = new RecordingPublisher();
        var scan = new DailyScan(tables, publisher, new FakeClock(Instant.FromUtc(2030, 3, 4, 0, 30)), Sandbox.Zone, NullLogger.Instance);

        await Assert.ThrowsAsync<CalendarYearNotLoadedException>(() => scan.Run());

        // (The empty store also has no SupervisionOffice, which the shipped rules copy: another configuration problem.)
        var problem = Assert.Single(await new ProblemLog(tables).Of(ProblemLog.ConfigScope), p => p.Problem.Table == "calendar").Problem;
        Assert.Equal(("calendar", "2030", "Year"), (problem.Table, problem.Key, problem.Field));
        Assert.Contains("2030年没有节假日安排", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("calendar（日历调整）表", problem.Reason, StringComparison.Ordinal);
        Assert.Empty(publisher.Published);
    }

    public void Dispose() => _backend.Dispose();

    private sealed class RecordingPublisher : IMessagePublisher
    {
        public List<OutgoingMessage> Published { get; } = [];

        public Task Publish(string entity, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken = default)
        {
            Published.AddRange(messages);
            return Task.CompletedTask;
        }
    }
}
