using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Kagi.Ca;
using Kagi.Ca.Authorities;
using Kagi.Ca.Keys;
using Kagi.Registry.Audit;
using Kagi.Registry.Authorities;

namespace Kagi.Server.Ca;

/// <summary>What a new issuing CA should be.</summary>
/// <param name="KeyType">Its key type.</param>
/// <param name="Subject">Its name.</param>
/// <param name="Validity">Its lifetime (cut at the root's notAfter).</param>
public sealed record RolloverSpec(CaKeyType KeyType, X500DistinguishedName Subject, TimeSpan Validity);

/// <summary>How a rollover ended.</summary>
public enum RolloverCode
{
    /// <summary>The new CA is recorded, audited and active.</summary>
    Added,

    /// <summary>The root is not valid now, so it cannot sign a new CA.</summary>
    RootNotValid,

    /// <summary>Another rollover (perhaps on another instance) finished first; nothing was changed by this one.</summary>
    Conflict,
}

/// <summary>The outcome of <see cref="CaService.RolloverAsync"/>.</summary>
/// <param name="Code">How it ended.</param>
/// <param name="IssuerId">The new CA's identifier when added.</param>
public sealed record RolloverResult(RolloverCode Code, string? IssuerId);

/// <summary>CA rollover: a new issuing CA under the same root becomes active; the previous ones keep publishing CRLs.</summary>
public sealed partial class CaService
{
    /// <summary>
    /// Creates a new issuing CA signed by the root (key generated in the key store: a new encrypted key file in the
    /// CA folder, or a new key pair on the CA token), records it in the database as the active CA with an audit entry
    /// (one transaction), and loads it. Every instance picks it up on its next check (<see cref="RefreshAsync"/>).
    /// Certificates already issued keep their CA, whose CRL stays published while any of them is unexpired.
    /// </summary>
    /// <param name="store">The database's CA records.</param>
    /// <param name="spec">The new CA's key type, name and lifetime.</param>
    /// <param name="actor">Who rolls over, for the audit log.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the work (nothing is recorded then).</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="InvalidOperationException">The service has no key store.</exception>
    /// <exception cref="CaException">The root key cannot be opened.</exception>
    public async Task<RolloverResult> RolloverAsync(IssuingAuthorityStore store, RolloverSpec spec, AuditActor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(spec);
        ICaKeyStore keys = _keys ?? throw new InvalidOperationException("The CA service has no key store.");
        await RefreshAsync(store, cancellationToken).ConfigureAwait(false);
        int expected = _state.Generation;

        CertificateAuthority next;
        string reference;
        ICaKey rootKey = keys.OpenRoot();
        CertificateAuthority root;
        try
        {
            root = CertificateAuthority.FromCertificate(Root, rootKey);
        }
        catch
        {
            rootKey.Dispose();
            throw;
        }

        using (root)
        {
            if (!root.IsValidAt(now))
            {
                return new RolloverResult(RolloverCode.RootNotValid, null);
            }

            ICaKey key = keys.Generate(spec.KeyType, out reference);
            try
            {
                next = CertificateAuthority.CreateIssuing(root, key, new AuthorityProfile(spec.Subject, spec.Validity, 0), now);
            }
            catch
            {
                key.Dispose();
                keys.Discard(reference);
                throw;
            }
        }

        string id = IdOf(next);
        AuthorityAddCode code;
        try
        {
            keys.Persist(next, reference);
            var details = new JsonObject
            {
                ["subject"] = next.Certificate.Subject,
                ["keyType"] = spec.KeyType.ToString(),
                ["notBefore"] = next.NotBefore.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["notAfter"] = next.NotAfter.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["certificateSha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(next.Certificate.RawData)),
            };
            code = await store.AddActiveAsync(id, next.Certificate.RawData, reference, next.NotAfter, expected, actor, details, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            next.Dispose();
            keys.Discard(reference);
            throw;
        }

        if (code != AuthorityAddCode.Added)
        {
            next.Dispose();
            keys.Discard(reference);
            return new RolloverResult(RolloverCode.Conflict, null);
        }

        lock (_loaded)
        {
            _loaded[id] = next;
        }

        await RefreshAsync(store, cancellationToken).ConfigureAwait(false);
        return new RolloverResult(RolloverCode.Added, id);
    }
}
