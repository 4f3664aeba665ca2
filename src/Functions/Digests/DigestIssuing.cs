using System.Globalization;
using Escalation.Domain.Catalog;
using Escalation.Domain.Delivery;
using Escalation.Domain.Digests;
using Escalation.Domain.Indicators;
using Escalation.Domain.Items;
using Escalation.Domain.Rules;
using Escalation.Functions.Sending;
using Escalation.Functions.Storage;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Escalation.Functions.Digests;

/// <summary>What a digest run did.</summary>
public enum DigestRun
{
    /// <summary>Today is not an issue day (or the period is not due yet): nothing done.</summary>
    NotDue,

    /// <summary>Issued now (or a claimed digest's unsettled copies sent now).</summary>
    Issued,

    /// <summary>Already issued earlier: nothing sent again.</summary>
    AlreadyIssued,
}

/// <summary>The outcome of a digest run: the digest, what happened, and each recipient's copy as it stands.</summary>
public sealed record DigestOutcome(DigestPeriod? Period, DigestRun Run, LocalDate Today, LocalDate? IssuedOn, IReadOnlyList<DigestDelivery> Copies)
{
    public int Count(DigestDeliveryStatus status) => Copies.Count(c => c.Status == status);

    /// <summary>One line for logs (English).</summary>
    public string Summary => Period is not { } p
        ? string.Create(CultureInfo.InvariantCulture, $"nothing due on {Today:yyyy-MM-dd}")
        : string.Create(CultureInfo.InvariantCulture,
            $"{p.Key} {Run} (issued on {IssuedOn:yyyy-MM-dd}): {Count(DigestDeliveryStatus.Sent)} sent, {Count(DigestDeliveryStatus.Failed)} failed, {Count(DigestDeliveryStatus.Skipped)} skipped, {Count(DigestDeliveryStatus.Pending) + Count(DigestDeliveryStatus.Sending)} pending");
}

/// <summary>Digest options: the red header and the monthly notice's latest working day.</summary>
/// <param name="Office">The red header (红头).</param>
/// <param name="MonthlyLatestWorkingDay">The working day of the next month by which the monthly notice goes even with data missing.</param>
public sealed record DigestOptions(string Office = DigestLetterhead.DefaultOffice, int MonthlyLatestWorkingDay = DigestSchedule.DefaultMonthlyLatestWorkingDay)
{
    public static DigestOptions Default { get; } = new();

    /// <summary>How long a run holds a copy while it sends; another run leaves it alone meanwhile.</summary>
    public Duration Lease { get; init; } = Duration.FromMinutes(10);

    /// <summary>Attempts before a copy that keeps failing transiently is given up as failed.</summary>
    public int MaxAttempts { get; init; } = 5;
}

/// <summary>
/// Issues the digests exactly once: the timers' body (<see cref="WeeklyList"/>, <see cref="MonthlyNotice"/>) decides
/// whether today is an issue day (<see cref="DigestSchedule"/>), then <see cref="Issue"/> claims the period in the digests
/// table (insert-if-absent: the first run wins and fixes the issue day), records one copy per recipient (insert-if-absent),
/// and sends each copy it can lease (ETag), recording the outcome. A crash after the claim or mid-send is finished by the
/// next run (the weekly list is due every working day of its week, the monthly notice every working day after it is due):
/// copies already sent are not sent again; a copy whose send was interrupted is sent again with the same message id, which
/// the providers' idempotency (ACS Operation-Id, the same Message-Id, the outbox's same file) makes harmless.
/// </summary>
public sealed partial class DigestIssuing(IEntityTables tables, IEmailSender? email, DigestOptions options, IClock clock, DateTimeZone zone, ILogger logger)
{
    private readonly DigestRead _read = new(tables, clock, zone);
    private readonly DigestStore _store = new(tables);

    /// <summary>The weekly list's timer: issues today's week's list when today is its issue day (or a later working day of the week).</summary>
    public async Task<DigestOutcome> WeeklyList(CancellationToken cancellationToken = default)
    {
        // Issued already (every working day of the week after its issue day, and its weekend): one row read, not the
        // configuration. Only a week issued in full stops here; a claimed one goes on below to finish its copies.
        var thisWeek = DigestPeriod.Week(DigestSchedule.WeekOf(clock.GetCurrentInstant().InZone(zone).Date));
        if (await _store.FindClaim(thisWeek, cancellationToken).ConfigureAwait(false) is { Status: DigestStatus.Issued } issuedWeek)
        {
            return new DigestOutcome(thisWeek, DigestRun.AlreadyIssued, clock.GetCurrentInstant().InZone(zone).Date, issuedWeek.IssuedOn, []);
        }

        var configuration = await _read.Configuration(cancellationToken).ConfigureAwait(false);
        var today = configuration.Calendar.DateAt(clock.GetCurrentInstant());
        if (!configuration.Calendar.IsLoaded(today.Year) || Schedule(configuration).WeekDue(today) is not { } week)
        {
            return new DigestOutcome(null, DigestRun.NotDue, today, null, []);
        }

        return await Issue(configuration, DigestPeriod.Week(week), today, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The monthly notice's timer: issues last month's notice once its data is published, or on the latest working day.</summary>
    public async Task<DigestOutcome> MonthlyNotice(CancellationToken cancellationToken = default)
    {
        // Issued already: one row read on each morning of the rest of the month, not the configuration and every indicator.
        var date = clock.GetCurrentInstant().InZone(zone).Date;
        var previous = DigestPeriod.Month(IndicatorPeriod.Containing(IndicatorPeriodKind.Month, date).Previous());
        if (await _store.FindClaim(previous, cancellationToken).ConfigureAwait(false) is { Status: DigestStatus.Issued } issued)
        {
            return new DigestOutcome(previous, DigestRun.AlreadyIssued, date, issued.IssuedOn, []);
        }

        var configuration = await _read.Configuration(cancellationToken).ConfigureAwait(false);
        var today = configuration.Calendar.DateAt(clock.GetCurrentInstant());
        if (!configuration.Calendar.IsLoaded(today.Year))
        {
            return new DigestOutcome(null, DigestRun.NotDue, today, null, []);
        }

        // Every indicator is read only when its data decides: on a working day before the latest day. On a day off the
        // notice is not due whatever the data; on or after the latest day it is due whatever the data.
        var schedule = Schedule(configuration);
        var month = schedule.MonthDue(today, _ => false);
        if (month is null && configuration.Calendar.IsWorkingDay(today))
        {
            var indicators = await _read.Indicators(configuration, cancellationToken).ConfigureAwait(false);
            month = schedule.MonthDue(today, m => DigestRead.Published(indicators, m, today));
        }

        return month is { } due
            ? await Issue(configuration, DigestPeriod.Month(due), today, cancellationToken).ConfigureAwait(false)
            : new DigestOutcome(null, DigestRun.NotDue, today, null, []);
    }

    /// <summary>The schedule on the configuration's calendar.</summary>
    public DigestSchedule Schedule(Configuration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new DigestSchedule(configuration.Calendar, options.MonthlyLatestWorkingDay);
    }

    /// <summary>Reads the configuration (for callers that pick the period themselves: the <c>digest</c> command).</summary>
    public Task<Configuration> Configuration(CancellationToken cancellationToken = default) => _read.Configuration(cancellationToken);

    /// <summary>The claim of <paramref name="period"/>, or null when it was never issued.</summary>
    public Task<DigestClaim?> Claim(DigestPeriod period, CancellationToken cancellationToken = default) => _store.FindClaim(period, cancellationToken);

    /// <summary>Every copy of <paramref name="period"/> recorded so far.</summary>
    public Task<IReadOnlyList<DigestDelivery>> Copies(DigestPeriod period, CancellationToken cancellationToken = default) => _store.Deliveries(period, cancellationToken);

    /// <summary>
    /// Issues <paramref name="period"/> as of <paramref name="issueOn"/> unless it was issued: claims it, records a copy per
    /// recipient, sends what is unsent. A period claimed earlier keeps its issue day.
    /// </summary>
    public async Task<DigestOutcome> Issue(Configuration configuration, DigestPeriod period, LocalDate issueOn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var now = clock.GetCurrentInstant();
        var (claim, claimedNow) = await _store.Claim(new DigestClaim(period, issueOn, DigestStatus.Claimed, null, now), cancellationToken).ConfigureAwait(false);
        if (claim.Status == DigestStatus.Issued)
        {
            return new DigestOutcome(period, DigestRun.AlreadyIssued, issueOn, claim.IssuedOn, await _store.Deliveries(period, cancellationToken).ConfigureAwait(false));
        }

        var letterhead = new DigestLetterhead(options.Office, configuration.Wording.SenderName);
        var (document, parts) = await Render(configuration, period, claim.IssuedOn, cancellationToken).ConfigureAwait(false);
        var copies = new List<DigestDelivery>();
        var workbooks = new Dictionary<UnitId, byte[]>();
        byte[]? whole = null;
        byte[] Workbook(UnitId? part)
        {
            // Written once per document: the monthly notice's copies all carry the same workbook, a unit's part its own.
            if (part is not { } unit)
            {
                return whole ??= DigestWorkbook.Write(document);
            }

            if (!workbooks.TryGetValue(unit, out var bytes))
            {
                workbooks[unit] = bytes = DigestWorkbook.Write(parts[unit]);
            }

            return bytes;
        }

        foreach (var (person, part) in Recipients(configuration, period, parts.Keys))
        {
            var copy = await _store.Open(new DigestDelivery(period, Channel.Email, person, part, DigestDeliveryStatus.Pending, 0, now), cancellationToken).ConfigureAwait(false);
            copies.Add(await Send(configuration, copy, part is { } u ? parts[u] : document, () => Workbook(part), letterhead, cancellationToken).ConfigureAwait(false));
        }

        if (copies.All(c => c.IsFinal) && !await _store.MarkIssued(claim, clock.GetCurrentInstant(), cancellationToken).ConfigureAwait(false))
        {
            // Another run settled the claim meanwhile: the copies are what they are either way.
            LogClaimRace(logger, period.Key);
        }

        var sent = copies.Count(c => c.Status == DigestDeliveryStatus.Sent);
        LogIssued(logger, period.Key, claimedNow, sent, copies.Count);
        return new DigestOutcome(period, DigestRun.Issued, issueOn, claim.IssuedOn, copies);
    }

    /// <summary>The digest as a document, and (for a weekly list) each unit's part that has entries.</summary>
    public async Task<(DigestDocument Whole, IReadOnlyDictionary<UnitId, DigestDocument> Parts)> Render(
        Configuration configuration, DigestPeriod period, LocalDate issuedOn, CancellationToken cancellationToken = default)
    {
        if (period.Kind == DigestKind.WeeklyList)
        {
            var list = await _read.Weekly(configuration, period, issuedOn, cancellationToken).ConfigureAwait(false);
            return (DigestDocument.Of(list), list.Units.Where(u => !list.Part(u).IsEmpty).ToDictionary(u => u, u => DigestDocument.Of(list.Part(u))));
        }

        var notice = await _read.Monthly(configuration, period, issuedOn, cancellationToken).ConfigureAwait(false);
        return (DigestDocument.Of(notice), new Dictionary<UnitId, DigestDocument>());
    }

    /// <summary>
    /// Who receives the digest: the weekly list goes whole to the supervision office and in parts to each listed unit's
    /// principal; the monthly notice to every unit's principal, the units' lead officials and the office. Each person once
    /// (a principal of two listed units receives the first unit's part).
    /// </summary>
    public static IReadOnlyList<(PersonId Person, UnitId? Part)> Recipients(Configuration configuration, DigestPeriod period, IEnumerable<UnitId> listedUnits)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var roster = configuration.Roster;
        var list = new List<(PersonId, UnitId?)>();
        var seen = new HashSet<PersonId>();
        void Add(PersonId? person, UnitId? part)
        {
            if (person is { } p && seen.Add(p))
            {
                list.Add((p, part));
            }
        }

        Add(roster.SupervisionOffice, null);
        if (period.Kind == DigestKind.WeeklyList)
        {
            foreach (var unit in listedUnits.OrderBy(u => u.Value, StringComparer.Ordinal))
            {
                Add(roster.Units.GetValueOrDefault(unit)?.Principal, unit);
            }
        }
        else
        {
            foreach (var unit in roster.Units.Values.OrderBy(u => u.Id.Value, StringComparer.Ordinal))
            {
                Add(unit.Principal, null);
            }

            foreach (var unit in roster.Units.Values.OrderBy(u => u.Id.Value, StringComparer.Ordinal))
            {
                Add(unit.LeadOfficial, null);
            }
        }

        return list;
    }

    private async Task<DigestDelivery> Send(
        Configuration configuration, DigestDelivery copy, DigestDocument document, Func<byte[]> workbook, DigestLetterhead letterhead, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        if (copy.IsFinal || copy.Status == DigestDeliveryStatus.Sending && copy.LeaseUntil > now)
        {
            return copy;
        }

        var contact = configuration.People.GetValueOrDefault(copy.Person);
        var address = contact?.AddressFor(Channel.Email);
        if (email is null || contact is null || address is null)
        {
            var skipped = copy with
            {
                Status = DigestDeliveryStatus.Skipped,
                UpdatedAt = now,
                LastError = email is null ? "未配置邮件发送" : contact is null ? "人员表中没有此人" : "此人没有邮箱或不接收邮件",
            };
            return await _store.Update(skipped, cancellationToken).ConfigureAwait(false) ? skipped : copy;
        }

        // Lease it: of two runs that read the same version, one wins and sends; the other leaves it.
        var leased = copy with { Status = DigestDeliveryStatus.Sending, Attempts = copy.Attempts + 1, LeaseUntil = now + options.Lease, UpdatedAt = now, MaskedAddress = ContactAddress.Mask(address) };
        if (!await _store.Update(leased, cancellationToken).ConfigureAwait(false))
        {
            return copy;
        }

        leased = await _store.Find(copy.Period, copy.Key, cancellationToken).ConfigureAwait(false) ?? leased;
        var unitName = copy.Part is { } part ? configuration.Roster.Units.GetValueOrDefault(part)?.Name ?? part.Value : null;
        var greeting = DigestGreeting.For(copy.Person, contact.Name, copy.Part, configuration.Roster);
        var message = new EmailToSend(
            copy.Id, address, contact.Name, document.Subject(unitName),
            DigestHtml.PlainText(document, letterhead, greeting), DigestHtml.Document(document, letterhead, greeting))
        {
            FromName = configuration.Wording.SenderName,
            Attachments = [new EmailAttachment(document.FileName(unitName), EmailAttachment.Xlsx, workbook())],
        };
        var result = await email.Send(message, cancellationToken).ConfigureAwait(false);
        var done = clock.GetCurrentInstant();
        var settled = result switch
        {
            SendResult.Sent sent => leased with { Status = DigestDeliveryStatus.Sent, ProviderId = sent.ProviderId, LastError = null, LeaseUntil = null, UpdatedAt = done },
            SendResult.Rejected rejected => leased with { Status = DigestDeliveryStatus.Failed, LastError = rejected.Error, LeaseUntil = null, UpdatedAt = done },
            SendResult.Transient transient => leased with
            {
                Status = leased.Attempts >= options.MaxAttempts ? DigestDeliveryStatus.Failed : DigestDeliveryStatus.Pending,
                LastError = transient.Error,
                LeaseUntil = null,
                UpdatedAt = done,
            },
            _ => throw new InvalidOperationException($"Unknown send result {result}."),
        };
        if (!await _store.Update(settled, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Digest copy {copy.Id} changed while this run held its lease; it was sent ({result}).");
        }

        return await _store.Find(copy.Period, copy.Key, cancellationToken).ConfigureAwait(false) ?? settled;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest {Digest}: claimed now {ClaimedNow}; {Sent} of {Copies} copies sent")]
    private static partial void LogIssued(ILogger logger, string digest, bool claimedNow, int sent, int copies);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest {Digest}: another run marked it issued first")]
    private static partial void LogClaimRace(ILogger logger, string digest);
}
