namespace Kagi.Registry.Data;

/// <summary>Maximum text lengths (characters), shared by the schema, the migrations and input validation.</summary>
public static class Limits
{
    /// <summary>Person names and organizations.</summary>
    public const int Name = 200;

    /// <summary>E-mail addresses (RFC 5321 path limit).</summary>
    public const int Email = 254;

    /// <summary>Identifiers: employee IDs, token serials, manufacturer and model, certificate IDs and serials.</summary>
    public const int Identifier = 64;

    /// <summary>Issuing CA identifiers.</summary>
    public const int CaId = 128;

    /// <summary>Stored enum member names.</summary>
    public const int EnumName = 16;

    /// <summary>Audit actors, sources and subjects.</summary>
    public const int AuditText = 200;

    /// <summary>Audit action codes and nonce purposes.</summary>
    public const int Code = 64;

    /// <summary>Lowercase hex SHA-256 values.</summary>
    public const int HexSha256 = 64;

    /// <summary>API key names.</summary>
    public const int ApiKeyName = 100;
}
