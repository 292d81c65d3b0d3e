using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;
using Kagi.Protocol;
using Kagi.Tokens.Certificates;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Provisioning;
using Kagi.Tokens.Tokens;

namespace Kagi.Enrollment;

/// <summary>
/// Certificate storage (電子証明書格納) as steps, independent of any user interface: STEP 1 token authentication,
/// STEP 2 user confirmation, STEP 3 storage PIN, STEP 4/5 user PIN and storage. The terminal wizard and the browser
/// UI drive the same object. Every step can be repeated after an interruption: the key pair's CKA_ID is derived
/// from the order's certificate ID, so a rerun finds a key it generated before instead of leaving it behind, and the
/// server returns the same certificate for the same key.
/// </summary>
public sealed class CertificateStorageFlow(KagiApiClient api, AttachedToken token, string serverOrigin)
{
    private AssignedUserResponse? _user;
    private string? _transportPin;

    /// <summary>The token being enrolled.</summary>
    public AttachedToken Token { get; } = token;

    /// <summary>STEP 1: the token proves itself with its distribution key over a fresh server nonce.</summary>
    /// <exception cref="EnrollmentException">Unknown, undistributed or unauthenticated token.</exception>
    public async Task AuthenticateTokenAsync(CancellationToken ct = default)
    {
        try
        {
            NonceResponse nonce = await api.GetNonceAsync(Token.Info.Serial, ct).ConfigureAwait(false);
            byte[]? signature;
            using (TokenSession session = TokenSession.Open(Token))
            {
                signature = DistributionKey.Sign(session, TokenAuthentication.Digest(serverOrigin, Token.Info.Serial, nonce.Nonce));
            }

            if (signature is null)
            {
                throw new EnrollmentException(EnrollmentFailure.TokenAuthenticationFailed);
            }

            await api.AuthenticateTokenAsync(
                new TokenAuthenticationRequest(Token.Info.Serial, Token.Info.Manufacturer, Token.Info.Model, nonce.Nonce, Convert.ToBase64String(signature)), ct)
                .ConfigureAwait(false);
        }
        catch (ApiProblemException e)
        {
            throw Translate(e);
        }
    }

    /// <summary>STEP 2: the user the token is assigned to.</summary>
    /// <exception cref="EnrollmentException"><see cref="EnrollmentFailure.AlreadyStored"/> and other refusals.</exception>
    public async Task<AssignedUserResponse> GetAssignedUserAsync(CancellationToken ct = default)
    {
        try
        {
            _user = await api.GetAssignedUserAsync(ct).ConfigureAwait(false);
            return _user;
        }
        catch (ApiProblemException e)
        {
            throw Translate(e);
        }
    }

    /// <summary>STEP 3: checks the storage PIN from the e-mail. A wrong PIN is data (with attempts left).</summary>
    /// <exception cref="EnrollmentException">Locked or expired PIN, or another refusal.</exception>
    public async Task<StoragePinCheck> VerifyStoragePinAsync(string storagePin, CancellationToken ct = default)
    {
        try
        {
            StoragePinResponse response = await api.VerifyStoragePinAsync(storagePin, ct).ConfigureAwait(false);
            _transportPin = response.TransportPin;
            return new StoragePinCheck(true, null);
        }
        catch (ApiProblemException e) when (e.Code == "storage-pin-wrong")
        {
            return new StoragePinCheck(false, int.TryParse(e.Extensions.GetValueOrDefault("attemptsLeft"), out int left) ? left : null);
        }
        catch (ApiProblemException e)
        {
            throw Translate(e);
        }
    }

    /// <summary>
    /// STEP 4/5: logs in with the transport PIN (or, on a rerun after the PIN was already changed, with
    /// <paramref name="newUserPin"/>), generates the key pair on the token (or finds the one an interrupted run made),
    /// sends a CSR signed on the token, writes the certificate and the CA chain, sets the user PIN and reports the
    /// certificate stored.
    /// </summary>
    /// <exception cref="EnrollmentException">The token refused both PINs, or the server refused.</exception>
    /// <exception cref="InvalidOperationException">Called before STEP 2 and STEP 3.</exception>
    public async Task<StoredCertificate> StoreAsync(PinBuffer newUserPin, KeySpec keySpec = KeySpec.EcP256, CancellationToken ct = default)
    {
        if (_user is null || _transportPin is null)
        {
            throw new InvalidOperationException("Confirm the user and verify the storage PIN first.");
        }

        byte[] keyId = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_user.CertificateId))[..8];
        using TokenSession session = TokenSession.Open(Token, readWrite: true);
        bool transportLogin;
        using (PinBuffer transport = PinBuffer.FromChars(_transportPin))
        {
            transportLogin = session.TryLogin(transport).LoggedIn;
        }

        if (!transportLogin && !session.TryLogin(newUserPin).LoggedIn)
        {
            throw new EnrollmentException(EnrollmentFailure.TokenPinRejected);
        }

        TokenKeyPair key = FindKey(session.Session, keyId) ?? TokenKeyGenerator.Generate(session.Session, keySpec, _user.RomanizedName, keyId);
        using AsymmetricAlgorithm signer = key.CreateSigner();
        byte[] csr = signer is ECDsa ec
            ? new CertificateRequest($"CN={_user.CertificateId}", ec, HashAlgorithmName.SHA256).CreateSigningRequest()
            : new CertificateRequest($"CN={_user.CertificateId}", (RSA)signer, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();

        IssuedCertificateResponse issued;
        try
        {
            issued = await api.RequestCertificateAsync(csr, ct).ConfigureAwait(false);
        }
        catch (ApiProblemException e)
        {
            throw Translate(e);
        }

        WriteCertificates(session.Session, issued, keyId, _user.RomanizedName);
        if (transportLogin)
        {
            using PinBuffer transport = PinBuffer.FromChars(_transportPin);
            session.SetPin(transport, newUserPin);
        }

        try
        {
            await api.ReportStoredAsync(issued.SerialNumber, ct).ConfigureAwait(false);
        }
        catch (ApiProblemException e)
        {
            throw Translate(e);
        }

        return new StoredCertificate(issued.SerialNumber, issued.Subject, issued.NotBefore, issued.NotAfter, Token.Info.Serial);
    }

    private static TokenKeyPair? FindKey(Session session, byte[] id)
    {
        ulong? priv = session.FindObjects(ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), ObjectAttribute.Bytes(CKA.CKA_ID, id)).Cast<ulong?>().FirstOrDefault();
        ulong? pub = session.FindObjects(ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), ObjectAttribute.Bytes(CKA.CKA_ID, id)).Cast<ulong?>().FirstOrDefault();
        if (priv is null || pub is null)
        {
            return null;
        }

        ulong type = session.GetAttribute(priv.Value, CKA.CKA_KEY_TYPE).AsULong();
        KeySpec spec = type == CKK.CKK_EC
            ? session.GetAttribute(pub.Value, CKA.CKA_EC_PARAMS).AsBytes().Length == 7 ? KeySpec.EcP384 : KeySpec.EcP256
            : KeySpec.Rsa2048;
        return new TokenKeyPair(session, pub.Value, priv.Value, id, spec);
    }

    private static void WriteCertificates(Session session, IssuedCertificateResponse issued, byte[] keyId, string label)
    {
        var present = new HashSet<string>(
            session.FindObjects(ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE))
                .Select(h => session.GetAttribute(h, CKA.CKA_VALUE))
                .Where(v => v.IsAvailable)
                .Select(v => Convert.ToHexString(SHA256.HashData(v.AsBytes()))),
            StringComparer.Ordinal);

        foreach (string ca in issued.Chain)
        {
            byte[] der = Convert.FromBase64String(ca);
            if (present.Add(Convert.ToHexString(SHA256.HashData(der))))
            {
                using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(der);
                CertificateWriter.Write(session, certificate, certificate.GetNameInfo(X509NameType.SimpleName, false), [], authority: true);
            }
        }

        byte[] user = Convert.FromBase64String(issued.Certificate);
        if (present.Add(Convert.ToHexString(SHA256.HashData(user))))
        {
            using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(user);
            CertificateWriter.Write(session, certificate, label, keyId, authority: false);
        }
    }

    private static EnrollmentException Translate(ApiProblemException e) => new(
        e.Code switch
        {
            "unknown-token" => EnrollmentFailure.UnknownToken,
            "token-not-distributed" => EnrollmentFailure.TokenNotDistributed,
            "token-authentication-failed" => EnrollmentFailure.TokenAuthenticationFailed,
            "no-assignment" => EnrollmentFailure.NoAssignment,
            "certificate-already-stored" => EnrollmentFailure.AlreadyStored,
            "storage-pin-locked" or "storage-pin-used" or "storage-pin-not-issued" => EnrollmentFailure.StoragePinLocked,
            "storage-pin-expired" => EnrollmentFailure.StoragePinExpired,
            _ => EnrollmentFailure.ServerRefused,
        },
        e.Code,
        e);
}
