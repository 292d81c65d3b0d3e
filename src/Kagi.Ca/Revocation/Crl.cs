using System.Numerics;
using Kagi.Ca.Formats;

namespace Kagi.Ca.Revocation;

/// <summary>A signed certificate revocation list.</summary>
public sealed class Crl
{
    private readonly byte[] _der;

    internal Crl(byte[] der, BigInteger number, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        _der = der;
        Number = number;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
    }

    /// <summary>The CRL in DER, as published at the cRLDistributionPoints URL.</summary>
    public ReadOnlyMemory<byte> Der => _der;

    /// <summary>The CRL number.</summary>
    public BigInteger Number { get; }

    /// <summary>thisUpdate (whole seconds, UTC).</summary>
    public DateTimeOffset ThisUpdate { get; }

    /// <summary>nextUpdate (whole seconds, UTC).</summary>
    public DateTimeOffset NextUpdate { get; }

    /// <summary>The CRL as an "X509 CRL" PEM block ending in a newline.</summary>
    public string ToPem() => Pem.Write("X509 CRL", _der);
}
