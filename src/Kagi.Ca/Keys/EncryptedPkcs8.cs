using System.Formats.Asn1;
using System.Security.Cryptography;
using Kagi.Ca.Formats;

namespace Kagi.Ca.Keys;

/// <summary>
/// Decrypts a PKCS#8 EncryptedPrivateKeyInfo (RFC 5958) protected with PBES2 (RFC 8018): PBKDF2 with
/// HMAC-SHA-256/384/512 and AES-CBC. Decrypting here, rather than through an algorithm's own import, tells a wrong
/// password apart from a key of an unexpected type.
/// </summary>
internal static class EncryptedPkcs8
{
    /// <summary>Decrypts <paramref name="der"/> into a PrivateKeyInfo; the caller zeroes the result after use.</summary>
    /// <exception cref="CaException"><see cref="CaError.MalformedKey"/>, <see cref="CaError.UnsupportedKeyEncryption"/> or
    /// <see cref="CaError.WrongPassword"/> (the padding did not check out).</exception>
    public static byte[] Decrypt(byte[] der, ReadOnlySpan<char> password)
    {
        Pbes2Parameters p = Parse(der);
        byte[] key = Rfc2898DeriveBytes.Pbkdf2(password, p.Salt, p.Iterations, p.Prf, p.KeySize);
        try
        {
            using var aes = Aes.Create();
            aes.Key = key;
            return aes.DecryptCbc(p.Encrypted, p.Iv, PaddingMode.PKCS7);
        }
        catch (CryptographicException e)
        {
            throw new CaException(CaError.WrongPassword, e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static Pbes2Parameters Parse(byte[] der)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.BER);
            AsnReader info = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            AsnReader algorithm = info.ReadSequence();
            Require(algorithm.ReadObjectIdentifier() == Oids.Pbes2);
            AsnReader pbes2 = algorithm.ReadSequence();
            AsnReader kdf = pbes2.ReadSequence();
            Require(kdf.ReadObjectIdentifier() == Oids.Pbkdf2);
            AsnReader kdfParams = kdf.ReadSequence();
            byte[] salt = kdfParams.ReadOctetString();
            Require(kdfParams.TryReadInt32(out int iterations) && iterations is > 0 and <= KeyEncryption.MaxIterationCount);
            int? keyLength = null;
            if (kdfParams.HasData && kdfParams.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                keyLength = kdfParams.TryReadInt32(out int length) ? length : -1;
            }

            // The PRF defaults to HMAC-SHA-1, which is not accepted.
            string prfOid = Oids.HmacWithSha1;
            if (kdfParams.HasData)
            {
                AsnReader prf = kdfParams.ReadSequence();
                prfOid = prf.ReadObjectIdentifier();
            }

            AsnReader scheme = pbes2.ReadSequence();
            string cipher = scheme.ReadObjectIdentifier();
            byte[] iv = scheme.ReadOctetString();
            byte[] encrypted = info.ReadOctetString();

            HashAlgorithmName prfHash = prfOid switch
            {
                Oids.HmacWithSha256 => HashAlgorithmName.SHA256,
                Oids.HmacWithSha384 => HashAlgorithmName.SHA384,
                Oids.HmacWithSha512 => HashAlgorithmName.SHA512,
                _ => throw new CaException(CaError.UnsupportedKeyEncryption),
            };
            int keySize = cipher switch
            {
                Oids.Aes128Cbc => 16,
                Oids.Aes192Cbc => 24,
                Oids.Aes256Cbc => 32,
                _ => throw new CaException(CaError.UnsupportedKeyEncryption),
            };
            if (iv.Length != 16 || (keyLength is { } k && k != keySize) || encrypted.Length == 0 || encrypted.Length % 16 != 0)
            {
                throw new CaException(CaError.MalformedKey);
            }

            return new Pbes2Parameters(salt, iterations, prfHash, keySize, iv, encrypted);
        }
        catch (AsnContentException e)
        {
            throw new CaException(CaError.MalformedKey, e);
        }
    }

    private static void Require(bool condition)
    {
        if (!condition)
        {
            throw new CaException(CaError.UnsupportedKeyEncryption);
        }
    }

    private sealed record Pbes2Parameters(byte[] Salt, int Iterations, HashAlgorithmName Prf, int KeySize, byte[] Iv, byte[] Encrypted);
}
