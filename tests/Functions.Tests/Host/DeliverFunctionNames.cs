using Escalation.Domain.Rules;
using Escalation.Functions.Sending;

namespace Escalation.Functions.Tests.Host;

/// <summary>The delivery functions of the channels the tests exercise by name (the handler derives them from the channels).</summary>
internal static class DeliverFunctionNames
{
    public const string DeliverEmail = "DeliverEmail";
    public const string DeliverSms = "DeliverSms";
    public const string DeliverWeCom = "DeliverWeCom";
    public const string DeliverDingTalk = "DeliverDingTalk";

    /// <summary>The names agree with the handler's: <c>Deliver{Channel}</c>.</summary>
    public static bool AgreeWithTheHandler =>
        ChannelSet.FunctionName(Channel.Email) == DeliverEmail && ChannelSet.FunctionName(Channel.Sms) == DeliverSms
        && ChannelSet.FunctionName(Channel.WeCom) == DeliverWeCom && ChannelSet.FunctionName(Channel.DingTalk) == DeliverDingTalk;
}
