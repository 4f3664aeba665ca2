using System.Text;
using Escalation.Functions.Web.Uploads;

namespace Escalation.Functions.Tests.Web.Uploads;

/// <summary>What every evidence store does, run against the folder store and Azurite's blob service.</summary>
public abstract class EvidenceStoreContract
{
    protected abstract IEvidenceStore Fresh();

    [Fact]
    public async Task SavedFile_OpensWithItsBytes_ContentType_AndSize()
    {
        var store = Fresh();
        var (file, content) = Accept("整改报告.pdf", Samples.Pdf);

        await store.Save(file, new MemoryStream(content));
        await using var stored = await store.Open(file.Hash);

        Assert.NotNull(stored);
        Assert.Equal(("application/pdf", (long)content.Length), (stored.ContentType, stored.Size));
        using var read = new MemoryStream();
        await stored.Content.CopyToAsync(read);
        Assert.Equal(content, read.ToArray());
    }

    [Fact]
    public async Task SameContentSavedTwice_IsStoredOnce_AndKeepsTheFirstContentType()
    {
        var store = Fresh();
        var (doc, content) = Accept("说明.doc", Samples.CompoundFile);
        var (xls, _) = Accept("台账.xls", Samples.CompoundFile);

        await store.Save(doc, new MemoryStream(content));
        var again = await store.Save(xls, new MemoryStream(content));
        await using var stored = await store.Open(doc.Hash);

        Assert.Equal(doc.Hash, again.Hash);
        Assert.Equal("application/msword", stored!.ContentType);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF0000000000000000000000000000000000000000000000000000000000")]
    [InlineData("")]
    public async Task UnknownOrMalformedHash_OpensNothing(string hash) =>
        Assert.Null(await Fresh().Open(hash));

    protected static (EvidenceFile File, byte[] Content) Accept(string name, byte[] content)
    {
        var check = new UploadPolicy().Check(name, new MemoryStream(content));
        return (Assert.IsType<UploadCheck.Accepted>(check).File, content);
    }

    protected static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}

public sealed class FolderEvidenceStoreTests : EvidenceStoreContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "escalation-tests", "evidence-" + Guid.NewGuid().ToString("N"));

    protected override IEvidenceStore Fresh() => new FolderEvidenceStore(_folder);

    [Fact]
    public async Task File_IsStoredUnderItsHash_WithNoTemporaryFileLeft()
    {
        var store = new FolderEvidenceStore(_folder);
        var (file, content) = Accept("现场.png", Samples.Png);

        await store.Save(file, new MemoryStream(content));

        var files = Directory.GetFiles(_folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_folder, f)).Order(StringComparer.Ordinal);
        Assert.Equal([Path.Combine(file.Hash[..2], file.Hash), Path.Combine(file.Hash[..2], file.Hash + ".json")], files);
    }

    [Fact]
    public async Task ShortContent_IsNotStored()
    {
        var store = new FolderEvidenceStore(_folder);
        var (file, content) = Accept("现场.png", Samples.Png);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.Save(file, new MemoryStream(content[..10])));

        Assert.Null(await store.Open(file.Hash));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
