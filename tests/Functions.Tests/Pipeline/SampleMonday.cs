using NodaTime;

namespace Escalation.Functions.Tests.Pipeline;

/// <summary>
/// What the shipped samples raise on Monday 2026-06-01 at 10:00 Asia/Shanghai, a working day inside the 08:30–18:00
/// window, on a store freshly imported: the day most pipeline tests (run twice, crash recovery, retries, traces) run.
/// Its figures live here once, so that a change to the samples or the rules is one edit and one honest story.
/// </summary>
/// <remarks>
/// <code>
///        June 2026 (Asia/Shanghai)
///  Mo  Tu  We  Th  Fr  Sa  Su
/// [1]   2   3   4   5   6   7      1 = working day; window 08:30–18:00
///
/// 7 events: 3 of the units' tasks (one evaluate request per unit) and 4 of the indicators (one request per indicator)
///   R3  notice    jtj-2026-01   (overdue 05-28)                        → jtj-cao, jtj-wang (email, SMS), (cc) dcs-office
///   R3  notice    wjw-2026-01   (overdue 05-28)                        → wjw-zhu, wjw-xie (email, SMS), (cc) dcs-office
///   R3  notice    wjw-2026-02   (overdue 05-28)                        → wjw-ma, wjw-xie (email, SMS), (cc) dcs-office
///   I2  notice    ind:gdtz-zs   fgw ranked 5th of 12 in 1–4月, 2nd period lagging → fgw-yang (email), (cc) dcs-office
///   I4  notice    ind:shxf-zs   swuj 5.2% in 1–4月, under its floor of 5.5%      → swuj-dong (email), (cc) dcs-office
///   I1  reminder  ind:wmjck     swuj 57.1 against 60 planned in 1–4月            → swuj-dong (email)
///   I8  summons   ind:zjbf-jd   town-qs in the bottom three of towns-zjbf and under the provincial average, week 20
///                                                                       → town-qs-guo (email, SMS), (cc) dcs-office
/// The office has no mobile number: its SMS deliveries (3 of R3, 1 of I8) are skipped.
/// 27 deliveries: 23 sent (16 by email, 7 by SMS), 4 skipped, in one message per person, channel and level:
///   email  notice    jtj-cao [jtj]  jtj-wang [jtj]  wjw-zhu [wjw-1]  wjw-xie [wjw-1, wjw-2]  wjw-ma [wjw-2]
///                    fgw-yang [I2]  swuj-dong [I4]  dcs-office [jtj, wjw-1, wjw-2, I2, I4]
///          reminder  swuj-dong [I1]
///          summons   town-qs-guo [I8]  dcs-office [I8]
///   sms    notice    jtj-cao [jtj]  jtj-wang [jtj]  wjw-zhu [wjw-1]  wjw-xie [wjw-1, wjw-2]  wjw-ma [wjw-2]
///          summons   town-qs-guo [I8]
/// 11 emails and 6 SMS. The emails go out in this order: jtj-cao's, jtj-wang's, then the office's notice.
/// </code>
/// </remarks>
internal static class SampleMonday
{
    /// <summary>The run: Monday 2026-06-01 10:00 Asia/Shanghai.</summary>
    public static readonly Instant Run = Sandbox.At(2026, 6, 1, 10, 0);

    /// <summary>R3's notice of jtj-2026-01.</summary>
    public const string JtjNotice = "ev-25017fe9e8a3fe66adefd38f9b774f05";

    /// <summary>R3's notice of wjw-2026-01.</summary>
    public const string Wjw1Notice = "ev-a14e448ba29bb18339969c52c3e90cee";

    /// <summary>R3's notice of wjw-2026-02.</summary>
    public const string Wjw2Notice = "ev-cd8679e4b7d0cf560ff739140e22e87e";

    /// <summary>I2's notice to fgw: 固定资产投资增速 lagging for the second period (1–4月).</summary>
    public const string FgwLagNotice = "ev-c3d5357f91905de0e52d5c14f6f8c351";

    /// <summary>I4's notice to swuj: 社会消费品零售总额增速 under its floor (1–4月).</summary>
    public const string SwujFloorNotice = "ev-63d97a7c1e3066b0fa1085228c749a17";

    /// <summary>I1's reminder to swuj: 外贸进出口总额 behind its planned share of the annual target (1–4月).</summary>
    public const string SwujLagReminder = "ev-c061a6c8be5df92861344ad0cec3c031";

    /// <summary>I8's summons of town-qs: 资金拨付进度 in the bottom three and under the provincial average (week 20).</summary>
    public const string QingshiBottomSummons = "ev-ec1d8007c0dc60ada8039daf89b9c35f";

    /// <summary>The units' events (R3's three notices).</summary>
    public static IReadOnlyList<string> TaskEvents { get; } = [JtjNotice, Wjw1Notice, Wjw2Notice];

    /// <summary>The indicators' events, each in its unit's partition of the log.</summary>
    public static IReadOnlyList<string> IndicatorEvents { get; } = [FgwLagNotice, SwujFloorNotice, SwujLagReminder, QingshiBottomSummons];

    /// <summary>Every event of the day.</summary>
    public static IReadOnlyList<string> Events { get; } = [.. TaskEvents, .. IndicatorEvents];

    /// <summary>The indicators that raise an event that day, each by one evaluate request.</summary>
    public static IReadOnlyList<string> IndicatorsWithEvents { get; } = ["gdtz-zs", "shxf-zs", "wmjck", "zjbf-jd"];

    /// <summary>Messages handed to the email provider: one per person and level.</summary>
    public const int Emails = 11;

    /// <summary>Messages handed to the SMS provider.</summary>
    public const int Sms = 6;

    /// <summary>Deliveries sent: 16 by email, 7 by SMS.</summary>
    public const int SentDeliveries = 23;

    /// <summary>The office's SMS deliveries, skipped (it has no mobile number).</summary>
    public const int SkippedDeliveries = 4;

    /// <summary>The office's notice email, the one message carrying five events (R3's three, I2's and I4's).</summary>
    public const string OfficeNoticeEmail = "Email:dcs-office:20260601:Notice:001";

    /// <summary>The events <see cref="OfficeNoticeEmail"/> carries.</summary>
    public static IReadOnlyList<string> OfficeNoticeEvents { get; } = [JtjNotice, Wjw1Notice, Wjw2Notice, FgwLagNotice, SwujFloorNotice];
}
