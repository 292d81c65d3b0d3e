namespace Kagi.Registry.Entities;

/// <summary>The last CRL number used by an issuing CA.</summary>
public sealed class CrlState
{
    /// <summary>Identifier of the issuing CA; the key.</summary>
    public required string IssuerCaId { get; set; }

    /// <summary>The last CRL number handed out.</summary>
    public long LastNumber { get; set; }
}
