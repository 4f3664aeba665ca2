using Escalation.Functions.Sending;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Sending;

/// <summary>Sample messages in the shape the engine renders them.</summary>
internal static class Mails
{
    public static readonly Instant Now = Instant.FromUtc(2026, 6, 1, 1, 30);

    public static FakeClock Clock() => new(Now);

    /// <summary>A lag notice to one person; <paramref name="tag"/> makes the delivery id and the subject unique.</summary>
    public static EmailToSend Notice(string tag, string to = "wang.wei@jtj.example.gov.cn") => new(
        DispatchId: $"ev-0123abcd:Email:jtj-wang-{tag}",
        To: to,
        ToName: "王伟",
        Subject: $"【督查提醒】交通局“城区道路改造”进度滞后 {tag}",
        PlainText: "王伟同志：\n\n您单位牵头的“城区道路改造”计划进度 60%，实际进度 35%，已连续 3 个工作日滞后。\n请于 6 月 3 日前报送情况说明。\n\n督查室",
        Html: "<p>王伟同志：</p><p>您单位牵头的<b>“城区道路改造”</b>计划进度 60%，实际进度 35%，已连续 3 个工作日滞后。</p><p>督查室</p>");

    public static SmsToSend Sms(string dispatchId, string text = "【督查室】王伟同志：城区道路改造进度滞后，请于6月3日前报送情况说明。", string to = "+8613812345678") =>
        new(dispatchId, to, text, Now);
}
