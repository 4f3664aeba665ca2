using Azure.Storage.Blobs;
using Escalation.Functions.Web.Uploads;

namespace Escalation.Functions.Tests.Web.Uploads;

/// <summary>
/// The Blob store against Azurite's blob service, which ./test.sh starts beside the table service and passes in
/// ESCALATION_TEST_BLOBS (a connection string); each test gets its own container.
/// </summary>
public sealed class BlobEvidenceStoreAzuriteTests : EvidenceStoreContract
{
    public const string Variable = "ESCALATION_TEST_BLOBS";

    protected override IEvidenceStore Fresh()
    {
        var connection = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(connection))
        {
            // Not a skip: the store must work on the real Blob API. ./test.sh starts azurite-blob (tools/azurite.sh).
            throw new InvalidOperationException(
                $"{Variable} is not set. Run ./test.sh, which starts Azurite's blob service, or start azurite-blob yourself and set {Variable} to its connection string.");
        }

        var container = new BlobContainerClient(connection, "evidence-" + Guid.NewGuid().ToString("N")[..12]);
        container.Create();
        return new BlobEvidenceStore(container);
    }

    [Fact]
    public async Task Blob_CarriesTheContentType_AsItsContentTypeHeader()
    {
        var store = Fresh();
        var (file, content) = Accept("说明.txt", Samples.Text);

        await store.Save(file, new MemoryStream(content));
        await using var stored = await store.Open(file.Hash);

        Assert.Equal("text/plain; charset=utf-8", stored!.ContentType);
        Assert.Equal(content.Length, stored.Size);
    }
}
