using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;

namespace Kagi.Registry.Audit;

/// <summary>
/// The hash chain: <c>Hash = SHA-256(PreviousHash || canonical(entry))</c>, where PreviousHash is the previous
/// entry's 32-byte hash (32 zero bytes for the first entry) and canonical(entry) is, in this order:
/// the ASCII tag "kagi-audit-v1", Sequence (8 bytes big-endian), At in Unix microseconds (8 bytes big-endian),
/// then Actor, Source, Action, Subject and Details, each as a 4-byte big-endian length followed by its UTF-8 bytes.
/// Length prefixes make the encoding unambiguous and independent of any JSON library; Details is hashed exactly as
/// stored (text, not jsonb, so PostgreSQL does not rewrite it).
/// </summary>
public static class AuditChain
{
    /// <summary>The PreviousHash of the first entry: 64 zeros.</summary>
    public static readonly string Genesis = new('0', 64);

    private static readonly byte[] Tag = "kagi-audit-v1"u8.ToArray();

    /// <summary>The hash an entry must carry, given the hash of the entry before it.</summary>
    /// <param name="previousHash">Lowercase hex hash of the previous entry, or <see cref="Genesis"/>.</param>
    /// <param name="entry">The entry (its own <see cref="AuditEntry.Hash"/> and <see cref="AuditEntry.PreviousHash"/> are not read).</param>
    /// <returns>Lowercase hex SHA-256.</returns>
    /// <exception cref="FormatException"><paramref name="previousHash"/> is not 64 hex digits.</exception>
    public static string ComputeHash(string previousHash, AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(previousHash);
        ArgumentNullException.ThrowIfNull(entry);
        byte[] previous = Convert.FromHexString(previousHash);
        if (previous.Length != 32)
        {
            throw new FormatException("A previous hash is 32 bytes.");
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(previous);
        sha.AppendData(Tag);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(number, entry.Sequence);
        sha.AppendData(number);
        BinaryPrimitives.WriteInt64BigEndian(number, UnixMicroseconds.From(entry.At));
        sha.AppendData(number);
        AppendText(sha, entry.Actor);
        AppendText(sha, entry.Source);
        AppendText(sha, entry.Action);
        AppendText(sha, entry.Subject);
        AppendText(sha, entry.Details);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static void AppendText(IncrementalHash sha, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        sha.AppendData(length);
        sha.AppendData(bytes);
    }
}
