using Escalation.Functions.Sending;

namespace Escalation.Functions.Tests.Rest;

public sealed class DeliveryUuidTests
{
    [Fact]
    public void From_IsPinned_WhenTheDerivationIsUnchanged()
    {
        // Computed independently (Python: hashlib.sha256(namespace bytes + UTF-8 id), first 16 bytes, version 8, RFC variant).
        // If this changes, every delivery in flight gets a new provider key and may be sent twice.
        var uuid = DeliveryUuid.From("evt-42:email:alice");

        Assert.Equal(Guid.Parse("87a475f5-e195-8afa-a2ca-69b52f44f434"), uuid);
    }

    [Fact]
    public void From_GivesTheSameUuid_WhenTheSameDeliveryAsksAgain()
    {
        var first = DeliveryUuid.From("evt-1:sms:bob");

        var second = DeliveryUuid.From("evt-1:sms:bob");

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("evt-1:sms:bob", "evt-1:sms:bobby")]
    [InlineData("evt-1:sms:bob", "evt-1:email:bob")]
    [InlineData("evt-1:sms:bob", "EVT-1:sms:bob")]
    public void From_GivesDifferentUuids_WhenDeliveriesDiffer(string one, string other)
    {
        var first = DeliveryUuid.From(one);

        var second = DeliveryUuid.From(other);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void From_SetsVersion8AndTheRfcVariant_WhenDeriving()
    {
        var text = DeliveryUuid.From("evt-7:email:carol").ToString("D");

        Assert.Equal('8', text[14]);
        Assert.Contains(text[19], "89ab");
    }
}
