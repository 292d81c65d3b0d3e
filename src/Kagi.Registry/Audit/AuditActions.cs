namespace Kagi.Registry.Audit;

/// <summary>Stable action codes written to <see cref="Entities.AuditEntry.Action"/>.</summary>
public static class AuditActions
{
    /// <summary>A user was registered.</summary>
    public const string UserRegistered = "user.registered";

    /// <summary>Users were imported from CSV.</summary>
    public const string UsersImported = "users.imported";

    /// <summary>A token was registered.</summary>
    public const string TokenRegistered = "token.registered";

    /// <summary>Tokens were imported from CSV.</summary>
    public const string TokensImported = "tokens.imported";

    /// <summary>A token was assigned to a user (and an enrollment order created).</summary>
    public const string TokenAssigned = "token.assigned";

    /// <summary>A token's distribution key was recorded.</summary>
    public const string TokenDistributed = "token.distributed";

    /// <summary>A token changed state.</summary>
    public const string TokenStateChanged = "token.state-changed";

    /// <summary>A storage PIN was issued (or reissued).</summary>
    public const string StoragePinIssued = "storage-pin.issued";

    /// <summary>A storage PIN was verified (and used up).</summary>
    public const string StoragePinVerified = "storage-pin.verified";

    /// <summary>A wrong storage PIN was presented.</summary>
    public const string StoragePinWrong = "storage-pin.wrong";

    /// <summary>An interrupted enrollment resumed on a storage PIN verified earlier (within the resume window).</summary>
    public const string StoragePinResumed = "storage-pin.resumed";

    /// <summary>A certificate was issued for an order.</summary>
    public const string CertificateIssued = "certificate.issued";

    /// <summary>A certificate was reported stored on the token.</summary>
    public const string CertificateStored = "certificate.stored";

    /// <summary>A certificate already stored was handed out again to write it back to its token (the token lost it).</summary>
    public const string CertificateRestored = "certificate.restored";

    /// <summary>Restoring a certificate to its token was refused (revoked, or not the token key's certificate).</summary>
    public const string CertificateRestoreRefused = "certificate.restore-refused";

    /// <summary>
    /// A certificate was revoked: by the operator, or, with reason superseded, when the certificate that replaced it
    /// on a reopened order was reported stored.
    /// </summary>
    public const string CertificateRevoked = "certificate.revoked";

    /// <summary>An order was opened again for a new CSR.</summary>
    public const string OrderReopened = "order.reopened";

    /// <summary>An API key was created.</summary>
    public const string ApiKeyCreated = "api-key.created";

    /// <summary>An API key was revoked.</summary>
    public const string ApiKeyRevoked = "api-key.revoked";

    /// <summary>A new issuing CA was created and now signs new certificates (CA rollover).</summary>
    public const string CaRolledOver = "ca.rolled-over";

    /// <summary>The operator had the CRLs published now.</summary>
    public const string CrlPublished = "crl.published";
}
