using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Issuance;
using Kagi.Ca.Profiles;
using Kagi.Ca.Requests;
using Kagi.Ca.Revocation;
using Kagi.Registry.Authorities;
using Kagi.Registry.Entities;
using Kagi.Server.Options;

namespace Kagi.Server.Ca;

/// <summary>A certificate just issued, with the CA that signed it and the chain to send with it.</summary>
/// <param name="Certificate">The certificate (the caller disposes it).</param>
/// <param name="IssuerId">The signing CA's identifier.</param>
/// <param name="Chain">That CA's certificate, then the root.</param>
public sealed record IssuedByCa(X509Certificate2 Certificate, string IssuerId, IReadOnlyList<X509Certificate2> Chain);

/// <summary>A certificate issued by the active CA, as encoded (no <see cref="X509Certificate2"/> made), with its issuer's ID and chain.</summary>
/// <param name="Certificate">The certificate's DER and the facts the registry and the response need.</param>
/// <param name="IssuerId">The issuing CA's identifier (hex of its subject key identifier).</param>
/// <param name="Chain">The issuing CA's certificate, then the root.</param>
public sealed record EncodedByCa(EncodedCertificate Certificate, string IssuerId, IReadOnlyList<X509Certificate2> Chain);

/// <summary>
/// The server's CA: the root, the issuing CAs (<see cref="AuthoritySet"/>: the active one signs new certificates,
/// retired ones sign CRLs only), the end-user profile and key policy. The set of issuing CAs is kept in the database
/// (<see cref="IssuingAuthorityStore"/>) and is the same for every instance on it: each instance checks the active
/// generation (one small query) before it issues, publishes a CRL, serves /pki or lists the CAs, and reloads the set
/// when another instance has rolled over (<see cref="RefreshAsync"/>). Keys are opened through the
/// <see cref="ICaKeyStore"/> (files in the shared CA folder, or the CA token).
/// </summary>
public sealed partial class CaService : IDisposable
{
    private readonly KagiServerOptions _options;
    private readonly ICaKeyStore? _keys;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly Dictionary<string, CertificateAuthority> _loaded = new(StringComparer.Ordinal);
    private volatile State _state;

    /// <summary>Creates the service over a loaded CA: <paramref name="issuing"/> is active until <see cref="InitializeAsync"/> reads the database.</summary>
    /// <param name="root">The root certificate.</param>
    /// <param name="issuing">The issuing CA created on first start (owned by the service from now on).</param>
    /// <param name="options">Server options (profile, public origin, CA options).</param>
    /// <param name="keys">Where CA keys are (needed for rollover and for loading other issuing CAs); null allows neither.</param>
    public CaService(X509Certificate2 root, CertificateAuthority issuing, KagiServerOptions options, ICaKeyStore? keys = null)
    {
        ArgumentNullException.ThrowIfNull(issuing);
        ArgumentNullException.ThrowIfNull(options);
        Root = root;
        _options = options;
        _keys = keys;
        _loaded[IdOf(issuing)] = issuing;
        _state = new State(new AuthoritySet(root, issuing), 0, ProfileFor(issuing));
        Profile.Validate();
    }

    /// <summary>The root certificate.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The issuing CAs as last loaded.</summary>
    public AuthoritySet Authorities => _state.Set;

    /// <summary>The active issuing CA (as last loaded).</summary>
    public CertificateAuthority Issuing => _state.Set.Active;

    /// <summary>The active CA's generation in the database; 0 before <see cref="InitializeAsync"/>.</summary>
    public int Generation => _state.Generation;

    /// <summary>A stable identifier of the active issuing CA: its key identifier in hex.</summary>
    public string IssuerId => IdOf(Issuing);

    /// <summary>The end-user certificate profile of the active CA (its CRL and CA certificate addresses).</summary>
    public EndEntityProfile Profile => _state.Profile;

    /// <summary>Keys accepted in CSRs.</summary>
    public KeyPolicy KeyPolicy { get; } = KeyPolicy.Default;

    /// <summary>The chain sent with certificates of the active CA: issuing CA, then root.</summary>
    public IReadOnlyList<X509Certificate2> Chain => [Issuing.Certificate, Root];

    /// <summary>The identifier of <paramref name="authority"/>: its subject key identifier in upper-case hex.</summary>
    public static string IdOf(CertificateAuthority authority)
    {
        ArgumentNullException.ThrowIfNull(authority);
        return Convert.ToHexString(authority.KeyIdentifier.Span);
    }

    /// <summary>The issuing CA with identifier <paramref name="issuerId"/> in the loaded set; null when there is none.</summary>
    public CertificateAuthority? Find(string issuerId) =>
        _state.Set.All.FirstOrDefault(a => string.Equals(IdOf(a), issuerId, StringComparison.Ordinal));

    /// <summary>The chain of the issuing CA <paramref name="issuerId"/> (its certificate, then the root); null when unknown.</summary>
    public IReadOnlyList<X509Certificate2>? ChainOf(string issuerId) => Find(issuerId) is { } ca ? [ca.Certificate, Root] : null;

    /// <summary>
    /// Issues an end-entity certificate with the active CA and a fresh random serial, without decoding the result
    /// (the issuance pipeline's path: the facts it needs come with the encoding).
    /// </summary>
    /// <returns>The encoded certificate, its issuer's ID and chain.</returns>
    /// <exception cref="Kagi.Ca.CaException">The active CA is not valid now, or the subject data or profile is invalid.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The CA key failed to sign.</exception>
    public EncodedByCa IssueEncoded(ValidatedCsr csr, SubjectData subject, DateTimeOffset now)
    {
        State state = _state;
        CertificateAuthority active = state.Set.Active;
        EncodedCertificate certificate = CertificateIssuer.IssueEncoded(active, csr, subject, state.Profile, now, SerialNumbers.New());
        return new EncodedByCa(certificate, IdOf(active), [active.Certificate, Root]);
    }

    /// <summary>Issues a certificate with the active CA for a validated CSR with the subject built from registration data.</summary>
    /// <returns>The certificate with its issuer's identifier and chain, all from one consistent view of the set.</returns>
    public IssuedByCa Issue(ValidatedCsr csr, SubjectData subject, DateTimeOffset now)
    {
        State state = _state;
        CertificateAuthority active = state.Set.Active;
        X509Certificate2 certificate = CertificateIssuer.Issue(active, csr, subject, state.Profile, now, SerialNumbers.New());
        return new IssuedByCa(certificate, IdOf(active), [active.Certificate, Root]);
    }

    /// <summary>Builds the CRL of <paramref name="issuer"/> (valid for one day).</summary>
    public static Crl BuildCrl(CertificateAuthority issuer, IEnumerable<RevokedCertificate> revoked, BigInteger number, DateTimeOffset now) =>
        CrlBuilder.Build(issuer, revoked, number, now, now.AddDays(1));

    /// <summary>
    /// Records the issuing CA created on first start as generation 1 unless the database has CAs already, then loads
    /// the set from the database.
    /// </summary>
    /// <exception cref="Kagi.Ca.CaException">A recorded CA cannot be used (key missing or not matching, not issued by the root).</exception>
    public async Task InitializeAsync(IssuingAuthorityStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        CertificateAuthority first = _state.Set.Active;
        await store.RecordFirstAsync(IdOf(first), first.Certificate.RawData, _keys?.InitialIssuingReference ?? "unknown", first.NotAfter, cancellationToken)
            .ConfigureAwait(false);
        await RefreshAsync(store, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reloads the issuing CAs when the database's active generation differs from the loaded one (after a rollover
    /// here or on another instance). CAs already loaded are kept; new ones are opened through the key store.
    /// </summary>
    /// <exception cref="Kagi.Ca.CaException">A recorded CA cannot be used.</exception>
    /// <exception cref="InvalidOperationException">The database has a CA to load and the service has no key store.</exception>
    public async Task RefreshAsync(IssuingAuthorityStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        int generation = await store.ActiveGenerationAsync(cancellationToken).ConfigureAwait(false);
        await RefreshToAsync(store, generation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// As <see cref="RefreshAsync"/>, when the caller has read the active generation already (the issuance pipeline
    /// reads it with its policy query): reloads only when <paramref name="activeGeneration"/> differs from the loaded one.
    /// </summary>
    /// <param name="store">The issuing CA records.</param>
    /// <param name="activeGeneration">The highest generation recorded (0: none).</param>
    /// <param name="cancellationToken">Cancels the reload.</param>
    /// <returns>A task that completes when the active set is current.</returns>
    public async Task RefreshToAsync(IssuingAuthorityStore store, int activeGeneration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (activeGeneration == _state.Generation || activeGeneration == 0)
        {
            return;
        }

        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            IReadOnlyList<IssuingAuthority> records = await store.ListAsync(cancellationToken).ConfigureAwait(false);
            if (records.Count == 0 || records[0].Generation == _state.Generation)
            {
                return;
            }

            var authorities = records.Select(Load).ToList();
            var set = new AuthoritySet(Root, authorities[0], authorities.Skip(1));
            _state = new State(set, records[0].Generation, ProfileFor(set.Active));
        }
        finally
        {
            _reload.Release();
        }
    }

    private CertificateAuthority Load(IssuingAuthority record)
    {
        lock (_loaded)
        {
            if (_loaded.TryGetValue(record.IssuerId, out CertificateAuthority? loaded))
            {
                return loaded;
            }
        }

        if (_keys is null)
        {
            throw new InvalidOperationException("The CA service has no key store to open issuing CA keys with.");
        }

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(record.Certificate);
        Kagi.Ca.Keys.ICaKey key = _keys.Open(record.KeyReference);
        CertificateAuthority authority;
        try
        {
            authority = CertificateAuthority.FromCertificate(certificate, key);
        }
        catch
        {
            key.Dispose();
            throw;
        }

        if (IdOf(authority) != record.IssuerId)
        {
            authority.Dispose();
            throw new Kagi.Ca.CaException(Kagi.Ca.CaError.KeyMismatch);
        }

        lock (_loaded)
        {
            if (_loaded.TryGetValue(record.IssuerId, out CertificateAuthority? raced))
            {
                authority.Dispose();
                return raced;
            }

            _loaded[record.IssuerId] = authority;
            return authority;
        }
    }

    private EndEntityProfile ProfileFor(CertificateAuthority issuing)
    {
        string origin = _options.PublicOrigin.TrimEnd('/');
        string id = IdOf(issuing);
        return new EndEntityProfile
        {
            Organization = _options.Profile.Organization,
            OrganizationalUnit = _options.Profile.OrganizationalUnit,
            Country = _options.Profile.Country,
            CertificateIdPrefix = _options.Profile.CertificateIdPrefix,
            Validity = TimeSpan.FromDays(_options.Profile.ValidityDays),
            CrlDistributionPointUrl = new Uri($"{origin}/pki/{id}.crl"),
            AiaCaIssuersUrl = new Uri($"{origin}/pki/{id}.cer"),
        };
    }

    /// <summary>Releases every CA key loaded.</summary>
    public void Dispose()
    {
        lock (_loaded)
        {
            foreach (CertificateAuthority authority in _loaded.Values)
            {
                authority.Dispose();
            }

            _loaded.Clear();
        }

        _reload.Dispose();
        Root.Dispose();
    }

    private sealed record State(AuthoritySet Set, int Generation, EndEntityProfile Profile);
}
