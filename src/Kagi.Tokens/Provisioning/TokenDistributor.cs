using System.Security.Cryptography;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Tokens;

namespace Kagi.Tokens.Provisioning;

/// <summary>What distributing a token produced. The PINs are for the CA's encrypted store only; dispose them.</summary>
/// <param name="Serial">Token serial.</param>
/// <param name="Manufacturer">Manufacturer.</param>
/// <param name="Model">Model.</param>
/// <param name="DistributionPublicKey">DER SubjectPublicKeyInfo of the distribution key.</param>
/// <param name="SoPin">The new random SO PIN.</param>
/// <param name="TransportPin">The new random user (transport) PIN.</param>
public sealed record DistributionResult(string Serial, string Manufacturer, string Model, byte[] DistributionPublicKey, PinBuffer SoPin, PinBuffer TransportPin) : IDisposable
{
    /// <summary>Zeroes both PINs.</summary>
    public void Dispose()
    {
        SoPin.Dispose();
        TransportPin.Dispose();
    }
}

/// <summary>
/// Prepares a token on the CA operator's machine: initializes it with a label, sets a random SO PIN and a random
/// transport user PIN, and generates the distribution key. Everything on the token is erased.
/// </summary>
public static class TokenDistributor
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

    /// <summary>Distributes the token in <paramref name="slot"/>.</summary>
    /// <param name="slot">The slot holding the token.</param>
    /// <param name="label">The new token label.</param>
    /// <param name="currentSoPin">The token's current SO PIN when it is already initialized; ignored otherwise.</param>
    /// <param name="spec">Distribution key type (EC P-256 by default; RSA for tokens without EC).</param>
    /// <exception cref="KagiException"><see cref="KagiError.PinRequired"/> when the token is initialized and no SO PIN was given.</exception>
    /// <exception cref="Pkcs11Exception">The token refused a step (e.g. CKR_PIN_INCORRECT for a wrong SO PIN).</exception>
    public static DistributionResult Distribute(Slot slot, string label, PinBuffer? currentSoPin, KeySpec spec = KeySpec.EcP256)
    {
        CkTokenInfo before = slot.GetTokenInfo();
        int length = (int)Math.Clamp(8UL, before.MinPinLength, Math.Max(before.MinPinLength, Math.Min(before.MaxPinLength, 16UL)));
        PinBuffer soPin = RandomPin(length);
        PinBuffer transportPin = RandomPin(length);
        try
        {
            bool initialized = (before.Flags & CKF.CKF_TOKEN_INITIALIZED) != 0;
            if (initialized)
            {
                if (currentSoPin is null)
                {
                    throw new KagiException(KagiError.PinRequired);
                }

                slot.InitToken(currentSoPin.Bytes, label);
                using Session so = slot.OpenSession(readWrite: true);
                so.Login(CKU.CKU_SO, currentSoPin.Bytes);
                so.SetPin(currentSoPin.Bytes, soPin.Bytes);
                so.Logout();
            }
            else
            {
                slot.InitToken(soPin.Bytes, label);
            }

            using (Session so = slot.OpenSession(readWrite: true))
            {
                so.Login(CKU.CKU_SO, soPin.Bytes);
                so.InitPin(transportPin.Bytes);
                so.Logout();
            }

            byte[] publicKey;
            using (Session user = slot.OpenSession(readWrite: true))
            {
                user.Login(CKU.CKU_USER, transportPin.Bytes);
                publicKey = DistributionKey.Generate(user, spec);
                user.Logout();
            }

            CkTokenInfo after = slot.GetTokenInfo();
            return new DistributionResult(after.SerialNumber, after.ManufacturerId, after.Model, publicKey, soPin, transportPin);
        }
        catch
        {
            soPin.Dispose();
            transportPin.Dispose();
            throw;
        }
    }

    /// <summary>A random PIN of <paramref name="length"/> letters and digits without look-alikes.</summary>
    public static PinBuffer RandomPin(int length)
    {
        Span<byte> pin = stackalloc byte[length];
        for (int i = 0; i < length; i++)
        {
            pin[i] = (byte)Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        PinBuffer buffer = PinBuffer.FromBytes(pin);
        CryptographicOperations.ZeroMemory(pin);
        return buffer;
    }
}
