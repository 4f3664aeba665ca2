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
    /// <summary>
    /// Earlier digests of the same kind this run went on with before today's, oldest first: one an interrupted run left
    /// claimed (copies still to send), or a monthly notice whose latest day fell after its next month (<see cref="DigestSchedule.OverdueMonth"/>).
    /// </summary>
    public IReadOnlyList<DigestOutcome> Earlier { get; init; } = [];

    public int Count(DigestDeliveryStatus status) => Copies.Count(c => c.Status == status);

    /// <summary>One line for logs (English).</summary>
    public string Summary => string.Concat(Earlier.Select(e => e.Summary + "; ")) + (Period is not { } p
        ? string.Create(CultureInfo.InvariantCulture, $"nothing due on {Today:yyyy-MM-dd}")
        : string.Create(CultureInfo.InvariantCulture,
            $"{p.Key} {Run} (issued on {IssuedOn:yyyy-MM-dd}): {Count(DigestDeliveryStatus.Sent)} sent, {Count(DigestDeliveryStatus.Failed)} failed, {Count(DigestDeliveryStatus.Skipped)} skipped, {Count(DigestDeliveryStatus.Pending) + Count(DigestDeliveryStatus.Sending)} pending"));
}

/// <summary>Who receives a digest: a person, and the units whose parts of the weekly list their copy carries (none: the whole digest).</summary>
public sealed record DigestRecipient(PersonId Person, IReadOnlyList<UnitId> Parts);

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
/// next run: each timer run first goes on with the digests of the last <see cref="EarlierWeeks"/> weeks (or
/// <see cref="EarlierMonths"/> months) whose claim is still Claimed, as of their own issue day, so that one interrupted
/// on its week's last working day, or a monthly notice not finished before the month after it, is finished too. Copies
/// already sent are not sent again; a copy whose send was interrupted is sent again with the same message id, which the
/// providers' idempotency (ACS Operation-Id, the same Message-Id, the outbox's same file) makes harmless.
/// </summary>
public sealed partial class DigestIssuing(IEntityTables tables, IEmailSender? email, DigestOptions options, IClock clock, DateTimeZone zone, ILogger logger)
{
    private readonly DigestRead _read = new(tables, clock, zone);
    private readonly DigestStore _store = new(tables);

    /// <summary>How many weeks before today's a weekly list run looks back at for a list an interrupted run left claimed.</summary>
    public const int EarlierWeeks = 8;

    /// <summary>How many months before last month a monthly notice run looks back at for a notice left claimed.</summary>
    public const int EarlierMonths = 3;

    /// <summary>
    /// The weekly list's timer: first finishes the lists of the last <see cref="EarlierWeeks"/> weeks left claimed, then
    /// issues today's week's list when today is its issue day (or a later working day of the week).
    /// </summary>
    public async Task<DigestOutcome> WeeklyList(CancellationToken cancellationToken = default)
    {
        var date = clock.GetCurrentInstant().InZone(zone).Date;
        var thisWeek = DigestPeriod.Week(DigestSchedule.WeekOf(date));
        var earlier = await FinishEarlier(Before(thisWeek.Period, EarlierWeeks).Select(DigestPeriod.Week), date, cancellationToken).ConfigureAwait(false);

        // Issued already (every working day of the week after its issue day, and its weekend): a few claim rows read, not
        // the configuration. Only a week issued in full stops here; a claimed one goes on below to finish its copies.
        if (await _store.FindClaim(thisWeek, cancellationToken).ConfigureAwait(false) is { Status: DigestStatus.Issued } issuedWeek)
        {
            return new DigestOutcome(thisWeek, DigestRun.AlreadyIssued, date, issuedWeek.IssuedOn, []) { Earlier = earlier.Finished };
        }

        var configuration = earlier.Configuration ?? await _read.Configuration(cancellationToken).ConfigureAwait(false);
        var today = configuration.Calendar.DateAt(clock.GetCurrentInstant());
        if (!configuration.Calendar.IsLoaded(today.Year) || Schedule(configuration).WeekDue(today) is not { } week)
        {
            return new DigestOutcome(null, DigestRun.NotDue, today, null, []) { Earlier = earlier.Finished };
        }

        return await Issue(configuration, DigestPeriod.Week(week), today, cancellationToken).ConfigureAwait(false) with { Earlier = earlier.Finished };
    }

    /// <summary>
    /// The monthly notice's timer: first finishes the notices of the <see cref="EarlierMonths"/> months before last month
    /// left claimed, then issues the month before last if it is overdue (<see cref="DigestSchedule.OverdueMonth"/>) and last
    /// month's notice once its data is published, or on its latest working day.
    /// </summary>
    public async Task<DigestOutcome> MonthlyNotice(CancellationToken cancellationToken = default)
    {
        var date = clock.GetCurrentInstant().InZone(zone).Date;
        var previous = DigestPeriod.Month(IndicatorPeriod.Containing(IndicatorPeriodKind.Month, date).Previous());
        var beforeLast = DigestPeriod.Month(previous.Period.Previous());
        var earlier = await FinishEarlier(Before(previous.Period, EarlierMonths).Select(DigestPeriod.Month), date, cancellationToken).ConfigureAwait(false);

        // Issued already: a few claim rows read on each morning of the rest of the month, not the configuration and every
        // indicator. The month before last normally has its claim too; without one, the calendar decides whether it is overdue.
        if (await _store.FindClaim(previous, cancellationToken).ConfigureAwait(false) is { Status: DigestStatus.Issued } issued && earlier.Claimed.Contains(beforeLast))
        {
            return new DigestOutcome(previous, DigestRun.AlreadyIssued, date, issued.IssuedOn, []) { Earlier = earlier.Finished };
        }

        var configuration = earlier.Configuration ?? await _read.Configuration(cancellationToken).ConfigureAwait(false);
        var today = configuration.Calendar.DateAt(clock.GetCurrentInstant());
        if (!configuration.Calendar.IsLoaded(today.Year))
        {
            return new DigestOutcome(null, DigestRun.NotDue, today, null, []) { Earlier = earlier.Finished };
        }

        // Every indicator is read only when its data decides: on a working day before the latest day. On a day off the
        // notice is not due whatever the data; on or after the latest day it is due whatever the data.
        var schedule = Schedule(configuration);
        var finished = earlier.Finished.ToList();
        var claimed = new HashSet<DigestPeriod>(earlier.Claimed);
        bool Claimed(IndicatorPeriod month) => claimed.Contains(DigestPeriod.Month(month));
        IndicatorInputs? indicators = null;
        while (true)
        {
            var month = schedule.MonthDue(today, _ => false, Claimed);
            if (month is null && configuration.Calendar.IsWorkingDay(today))
            {
                indicators ??= await _read.Indicators(configuration, cancellationToken).ConfigureAwait(false);
                month = schedule.MonthDue(today, m => DigestRead.Published(indicators, m, today), Claimed);
            }

            if (month is not { } due)
            {
                return new DigestOutcome(null, DigestRun.NotDue, today, null, []) { Earlier = finished };
            }

            var outcome = await Issue(configuration, DigestPeriod.Month(due), today, cancellationToken).ConfigureAwait(false);
            if (due == previous.Period)
            {
                return outcome with { Earlier = finished };
            }

            // The month before last, overdue: then last month, on the same run.
            finished.Add(outcome);
            claimed.Add(DigestPeriod.Month(due));
        }
    }

    /// <summary>What <see cref="FinishEarlier"/> found and did.</summary>
    /// <param name="Finished">The outcomes of the earlier digests it went on with, oldest first.</param>
    /// <param name="Claimed">The earlier periods with a claim (issued or not).</param>
    /// <param name="Configuration">The configuration, when it had to read it.</param>
    private sealed record EarlierDigests(IReadOnlyList<DigestOutcome> Finished, IReadOnlySet<DigestPeriod> Claimed, Configuration? Configuration);

    /// <summary>
    /// Goes on with each of <paramref name="periods"/> (oldest first) whose claim is still Claimed: sends its unsettled
    /// copies as of its own issue day. One claim row read per period; the configuration only when one is claimed.
    /// </summary>
    private async Task<EarlierDigests> FinishEarlier(IEnumerable<DigestPeriod> periods, LocalDate date, CancellationToken cancellationToken)
    {
        var claimed = new HashSet<DigestPeriod>();
        var unfinished = new List<DigestClaim>();
        foreach (var period in periods)
        {
            if (await _store.FindClaim(period, cancellationToken).ConfigureAwait(false) is { } claim)
            {
                claimed.Add(period);
                if (claim.Status == DigestStatus.Claimed)
                {
                    unfinished.Add(claim);
                }
            }
        }

        if (unfinished.Count == 0)
        {
            return new EarlierDigests([], claimed, null);
        }

        var configuration = await _read.Configuration(cancellationToken).ConfigureAwait(false);
        var finished = new List<DigestOutcome>();
        foreach (var claim in unfinished)
        {
            LogFinishingEarlier(logger, claim.Period.Key, claim.IssuedOn);
            finished.Add(await Issue(configuration, claim.Period, claim.IssuedOn, cancellationToken).ConfigureAwait(false) with { Today = date });
        }

        return new EarlierDigests(finished, claimed, configuration);
    }

    /// <summary>The <paramref name="count"/> periods before <paramref name="period"/>, oldest first.</summary>
    private static List<IndicatorPeriod> Before(IndicatorPeriod period, int count)
    {
        var list = new List<IndicatorPeriod>(count);
        for (var p = period.Previous(); list.Count < count; p = p.Previous())
        {
            list.Add(p);
        }

        list.Reverse();
        return list;
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
        var (document, list) = await Compose(configuration, period, claim.IssuedOn, cancellationToken).ConfigureAwait(false);
        var copies = new List<DigestDelivery>();
        var rendered = new Dictionary<string, (DigestDocument Document, Lazy<byte[]> Workbook)>(StringComparer.Ordinal);
        (DigestDocument Document, Lazy<byte[]> Workbook) For(IReadOnlyList<UnitId> units)
        {
            // Rendered and written once per document: the monthly notice's copies all carry the same workbook, a part its own.
            var key = string.Join(",", units.Select(u => u.Value));
            if (!rendered.TryGetValue(key, out var part))
            {
                var text = units.Count == 0 || list is null ? document : DigestDocument.Of(list.Part(units));
                rendered[key] = part = (text, new Lazy<byte[]>(() => DigestWorkbook.Write(text)));
            }

            return part;
        }

        foreach (var recipient in Recipients(configuration, period, list?.Units ?? []))
        {
            var copy = await _store.Open(new DigestDelivery(period, Channel.Email, recipient.Person, recipient.Parts, DigestDeliveryStatus.Pending, 0, now), cancellationToken).ConfigureAwait(false);
            var (text, workbook) = For(copy.Parts);
            copies.Add(await Send(configuration, copy, text, () => workbook.Value, letterhead, cancellationToken).ConfigureAwait(false));
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
        var (whole, list) = await Compose(configuration, period, issuedOn, cancellationToken).ConfigureAwait(false);
        return (whole, list is null ? new Dictionary<UnitId, DigestDocument>() : list.Units.ToDictionary(u => u, u => DigestDocument.Of(list.Part(u))));
    }

    /// <summary>The digest as a document, and for a weekly list the list itself (its units' parts are cut from it).</summary>
    private async Task<(DigestDocument Whole, WeeklyList? List)> Compose(
        Configuration configuration, DigestPeriod period, LocalDate issuedOn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (period.Kind == DigestKind.WeeklyList)
        {
            var list = await _read.Weekly(configuration, period, issuedOn, cancellationToken).ConfigureAwait(false);
            return (DigestDocument.Of(list), list);
        }

        var notice = await _read.Monthly(configuration, period, issuedOn, cancellationToken).ConfigureAwait(false);
        return (DigestDocument.Of(notice), null);
    }

    /// <summary>
    /// Who receives the digest, each person once (one copy, one row of the digests table, one message id): the weekly list
    /// goes whole to the supervision office and in parts to each listed unit's principal, a principal of several listed
    /// units receiving one copy with each of their parts; the monthly notice to the office, every unit's principal, then
    /// the units' lead officials.
    /// </summary>
    public static IReadOnlyList<DigestRecipient> Recipients(Configuration configuration, DigestPeriod period, IEnumerable<UnitId> listedUnits)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(listedUnits);
        var roster = configuration.Roster;
        var order = new List<PersonId>();
        var parts = new Dictionary<PersonId, List<UnitId>>();
        void Add(PersonId? person, UnitId? part)
        {
            if (person is not { } p)
            {
                return;
            }

            if (!parts.TryGetValue(p, out var units))
            {
                order.Add(p);
                parts[p] = units = [];
            }
            else if (units.Count == 0)
            {
                // The whole digest already (the office's copy): a part adds nothing to it.
                return;
            }

            if (part is { } unit && !units.Contains(unit))
            {
                units.Add(unit);
            }
        }

        Add(roster.SupervisionOffice, null);
        if (period.Kind == DigestKind.WeeklyList)
        {
            foreach (var unit in listedUnits.Distinct().OrderBy(u => u.Value, StringComparer.Ordinal))
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

        return [.. order.Select(p => new DigestRecipient(p, parts[p]))];
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
        var unitName = PartNames(configuration, copy.Parts);
        var greeting = DigestGreeting.For(copy.Person, contact.Name, copy.Parts, configuration.Roster);
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

    /// <summary>The names of the units whose parts a copy carries, joined with 、 (市发展改革委、市商务局); null for the whole digest.</summary>
    public static string? PartNames(Configuration configuration, IReadOnlyList<UnitId> parts)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(parts);
        return parts.Count == 0 ? null : string.Join("、", parts.Select(u => configuration.Roster.Units.GetValueOrDefault(u)?.Name ?? u.Value));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest {Digest}: an earlier run left it claimed; finishing it as of {IssuedOn}")]
    private static partial void LogFinishingEarlier(ILogger logger, string digest, LocalDate issuedOn);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest {Digest}: claimed now {ClaimedNow}; {Sent} of {Copies} copies sent")]
    private static partial void LogIssued(ILogger logger, string digest, bool claimedNow, int sent, int copies);

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest {Digest}: another run marked it issued first")]
    private static partial void LogClaimRace(ILogger logger, string digest);
}
