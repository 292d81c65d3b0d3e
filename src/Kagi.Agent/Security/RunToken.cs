using System.Security.Cryptography;

namespace Kagi.Agent.Security;

/// <summary>
/// A random value made when the agent starts. Every state-changing request must carry it (form field
/// <see cref="FieldName"/> or header <see cref="HeaderName"/>): pages of other sites cannot read the agent's pages, so
/// they cannot learn it, and it is never put in a cookie, which a browser would attach to cross-site requests.
/// </summary>
public sealed class RunToken
{
    /// <summary>The hidden form field that carries the token.</summary>
    public const string FieldName = "_rt";

    /// <summary>The request header that carries the token (scripts).</summary>
    public const string HeaderName = "X-Kagi-Run-Token";

    /// <summary>A fresh random token.</summary>
    public RunToken() => Value = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>The token text (64 hex characters).</summary>
    public string Value { get; }

    /// <summary>True when <paramref name="candidate"/> equals the token (constant time).</summary>
    public bool Matches(string? candidate) =>
        candidate is { Length: 64 } && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(candidate), System.Text.Encoding.ASCII.GetBytes(Value));
}
