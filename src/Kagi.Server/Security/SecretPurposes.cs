namespace Kagi.Server.Security;

/// <summary>Purpose labels bound into encrypted secrets (see <see cref="SecretProtector"/>).</summary>
public static class SecretPurposes
{
    /// <summary>A token's SO PIN.</summary>
    public const string SoPin = "token-so-pin";

    /// <summary>A token's transport user PIN.</summary>
    public const string TransportPin = "token-transport-pin";
}
