using Azure.Core;
using Escalation.Functions.Sending;
using NodaTime;
using NodaTime.Testing;

namespace Escalation.Functions.Tests.Rest;

public sealed class AcsAccessTests
{
    private const string Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 6, 1, 0, 0));

    [Fact]
    public void FromConnectionString_ReadsTheEndpoint_WhenWellFormed()
    {
        var access = AcsAccess.FromConnectionString($"endpoint=https://contoso.communication.azure.com/;accesskey={Key}", _clock);

        Assert.Equal(new Uri("https://contoso.communication.azure.com/"), access.Endpoint);
        Assert.DoesNotContain(Key, access.Describe, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("endpoint=https://contoso.communication.azure.com/")]
    [InlineData("accesskey=" + Key)]
    [InlineData("endpoint=http://contoso.communication.azure.com/;accesskey=" + Key)]
    [InlineData("endpoint=https://contoso.communication.azure.com/;accesskey=not*base64" + Key)]
    public void FromConnectionString_ThrowsWithoutTheKey_WhenMalformed(string connectionString)
    {
        var error = Assert.Throws<ArgumentException>(() => AcsAccess.FromConnectionString(connectionString, _clock));

        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithCredential_Throws_WhenTheEndpointIsPlainHttp()
    {
        var credential = new FakeTokenCredential("t");

        Assert.Throws<ArgumentException>(() => AcsAccess.WithCredential(new Uri("http://contoso.communication.azure.com/"), credential));
    }

    [Fact]
    public void WithCredential_NamesTheResource_WhenDescribed()
    {
        TokenCredential credential = new FakeTokenCredential("t");

        var access = AcsAccess.WithCredential(new Uri("https://contoso.communication.azure.com"), credential);

        Assert.Equal("Communication Services contoso.communication.azure.com (Entra token)", access.Describe);
    }
}
