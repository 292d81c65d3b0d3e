using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kagi.Server.Enrollment;

/// <summary>
/// What an enrollment client has proven so far: which token (by serial) authenticated with its distribution key,
/// for which assignment, and whether the storage PIN was verified. Carried by the client as a bearer ticket that
/// is HMAC-SHA256 signed with a key derived from the server secret, so every server instance can check it and
/// nothing needs to be stored.
/// </summary>
/// <param name="Serial">Token serial.</param>
/// <param name="AssignmentId">The assignment being enrolled.</param>
/// <param name="PinVerified">True after a successful storage PIN verification.</param>
/// <param name="ExpiresAt">Unix seconds after which the ticket is refused.</param>
/// <param name="PinId">
/// The storage PIN that was verified (with <paramref name="PinVerified"/>). A PIN-verified ticket is honoured only
/// while that PIN is still the assignment's current one, so a reissue by the operator revokes it at once.
/// </param>
public sealed record EnrollmentTicket(
    [property: JsonPropertyName("s")] string Serial,
    [property: JsonPropertyName("a")] long AssignmentId,
    [property: JsonPropertyName("p")] bool PinVerified,
    [property: JsonPropertyName("e")] long ExpiresAt,
    [property: JsonPropertyName("g")] long? PinId = null)
{
    /// <summary>Encodes and signs the ticket: base64url(payload) "." base64url(HMAC).</summary>
    public string Encode(byte[] key)
    {
        byte[] payload = JsonSerializer.SerializeToUtf8Bytes(this);
        byte[] mac = HMACSHA256.HashData(key, payload);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(mac);
    }

    /// <summary>Checks the signature and expiry of <paramref name="text"/>.</summary>
    /// <returns>The ticket, or null when it is malformed, forged or expired.</returns>
    public static EnrollmentTicket? Decode(string? text, byte[] key, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 1024 || text.Split('.') is not [string payloadText, string macText])
        {
            return null;
        }

        try
        {
            byte[] payload = Base64Url.DecodeFromChars(payloadText);
            byte[] mac = Base64Url.DecodeFromChars(macText);
            if (!CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(key, payload)))
            {
                return null;
            }

            EnrollmentTicket? ticket = JsonSerializer.Deserialize<EnrollmentTicket>(payload);
            return ticket is not null && ticket.ExpiresAt > now.ToUnixTimeSeconds() ? ticket : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The bearer ticket from an Authorization header, or null.</summary>
    public static string? FromHeader(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..].Trim() : null;
}
