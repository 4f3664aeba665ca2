using System.Security.Cryptography;
using System.Text;

namespace Escalation.Functions.Sending;

/// <summary>
/// The provider idempotency key of a delivery: a UUID computed from the ledger's delivery id, so that every attempt of one
/// delivery (a pipeline retry, a host retry, a run on another instance) sends the same key and the provider sends once.
/// </summary>
/// <remarks>
/// A name-based UUIDv8 (RFC 9562, section 5.8 and appendix B.2): SHA-256 over a fixed namespace and the UTF-8 delivery id,
/// the first 16 bytes kept, version and variant bits set. Changing the namespace or the hash would change every key and let
/// an in-flight delivery be sent twice, so both are fixed for good (a test pins one value).
/// </remarks>
public static class DeliveryUuid
{
    // A random UUID chosen once for this engine; it only has to differ from other applications' namespaces.
    private static readonly Guid Namespace = new("5b0f6c53-8a0e-4d7e-9f43-0c2a9e6d7b11");

    /// <summary>The UUID of <paramref name="dispatchId"/>: equal ids give equal UUIDs, different ids different ones.</summary>
    public static Guid From(string dispatchId)
    {
        ArgumentException.ThrowIfNullOrEmpty(dispatchId);

        var name = Encoding.UTF8.GetBytes(dispatchId);
        var input = new byte[16 + name.Length];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input, 16);

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
