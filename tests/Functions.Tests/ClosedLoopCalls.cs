using Escalation.Domain.Delivery;
using Escalation.Domain.Items;
using Escalation.Functions.Cases;
using Escalation.Functions.Web.Uploads;

namespace Escalation.Functions.Tests;

/// <summary>
/// The closed loop's submissions as the service tests make them: with evidence files recorded as stored already (no
/// store, no content), so a test names the files it records and nothing else.
/// </summary>
internal static class ClosedLoopCalls
{
    public static Task<LoopResult<AnswerView>> SubmitAnswer(
        this ClosedLoop loop, PersonId person, UnitId unit, string? notice, string? kind, string? text, IReadOnlyList<EvidenceFile> stored,
        UnitId? taskUnit = null, CancellationToken cancellationToken = default) =>
        loop.SubmitAnswer(person, unit, notice, kind, text, EvidenceUploads.AlreadyStored(stored), taskUnit, cancellationToken);

    public static Task<LoopResult<RequestView>> RequestExemption(
        this ClosedLoop loop, PersonId person, UnitId unit, string? task, string? indicator, string? period, string? reason, IReadOnlyList<EvidenceFile> stored,
        CancellationToken cancellationToken = default) =>
        loop.RequestExemption(person, unit, task, indicator, period, reason, EvidenceUploads.AlreadyStored(stored), cancellationToken);
}
