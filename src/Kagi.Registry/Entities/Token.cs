namespace Kagi.Registry.Entities;

/// <summary>A USB token (or smart card) in the CA's inventory.</summary>
public sealed class Token
{
    /// <summary>Database-generated key.</summary>
    public long Id { get; set; }

    /// <summary>The PKCS#11 serial number (CK_TOKEN_INFO.serialNumber without padding); unique.</summary>
    public required string Serial { get; set; }

    /// <summary>Manufacturer, e.g. "SafeNet".</summary>
    public required string Manufacturer { get; set; }

    /// <summary>Model, e.g. "eToken 5110".</summary>
    public required string Model { get; set; }

    /// <summary>Where the token is in its life cycle.</summary>
    public TokenState State { get; set; }

    /// <summary>SubjectPublicKeyInfo (DER) of the distribution key pair generated on the token, once distributed.</summary>
    public byte[]? DistributionPublicKey { get; set; }

    /// <summary>When the distribution key was recorded (UTC).</summary>
    public DateTimeOffset? DistributedAt { get; set; }

    /// <summary>The token's SO PIN, encrypted by the server (opaque here).</summary>
    public byte[]? EncryptedSoPin { get; set; }

    /// <summary>The transport user PIN set at distribution, encrypted by the server (opaque here).</summary>
    public byte[]? EncryptedTransportPin { get; set; }

    /// <summary>When the token was registered (UTC).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When <see cref="State"/> last changed (UTC).</summary>
    public DateTimeOffset StateChangedAt { get; set; }

    /// <summary>
    /// Optimistic concurrency token, incremented by <see cref="Kagi.Registry.Data.KagiDbContext"/> on every update;
    /// a concurrent change makes SaveChanges throw <see cref="Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException"/>.
    /// </summary>
    public long RowVersion { get; set; }
}
