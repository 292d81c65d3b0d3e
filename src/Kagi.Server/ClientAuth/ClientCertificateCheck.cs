namespace Kagi.Server.ClientAuth;

/// <summary>What <see cref="ClientCertificateValidator"/> found about a presented client certificate.</summary>
public enum ClientCertificateCheck
{
    /// <summary>Chains to this server's root through one of its issuing CAs, is in its validity period, and is for client authentication.</summary>
    Trusted,

    /// <summary>Does not chain to this server's root (another CA, a broken signature), or is expired or not yet valid.</summary>
    Untrusted,

    /// <summary>Chains correctly but is not an end-entity certificate with the clientAuth extended key usage.</summary>
    NotForClientAuthentication,
}
