using System.Security.Cryptography;
using System.Text;

namespace Kagi.Protocol;

/// <summary>What a token signs with its distribution key to prove itself to the server.</summary>
public static class TokenAuthentication
{
    /// <summary>
    /// SHA-256 over a purpose label, the server origin, the serial and the nonce, separated by newlines. The
    /// label keeps these signatures apart from any other use of the key; the origin stops a signature made for
    /// one server from being replayed at another.
    /// </summary>
    public static byte[] Digest(string origin, string serial, string nonce) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"kagi-token-authentication-v1\n{origin}\n{serial}\n{nonce}"));
}
