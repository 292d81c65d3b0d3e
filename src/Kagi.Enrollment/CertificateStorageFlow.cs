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
/// from the order's certificate ID and generation (<see cref="AssignedUserResponse.Generation"/>), so a rerun finds a
/// key it generated before instead of leaving it behind, and the server returns the same certificate for the same key.
/// An order the CA operator reopened has the next generation: a new key pair, and once its certificate is on the token,
/// the key pairs and certificates of the order's earlier generations are removed from the token (before the server is
/// told "stored", so every interruption leaves the order open on the server and a rerun finishes the removal). When a
/// run died after the storage PIN was spent, <see cref="TryResumeAsync"/> (after STEP 1 and 2 again) gets the
/// PIN-verified state back from the server within its resume window, so STEP 3 is skipped. When the server says the certificate is already stored but the token lost it
/// (<see cref="IsStoredCertificateMissing"/>), <see cref="RestoreCertificateAsync"/> writes the same certificate back.
/// PINs stay in <see cref="PinBuffer"/>s: the storage PIN is written into the request from its bytes, the transport
/// PIN is read from the server's answer into a buffer that is zeroed once the token no longer needs it (after the PIN
/// change, or when the token refused it) or when the flow is disposed.
/// </summary>
public sealed class CertificateStorageFlow(KagiApiClient api, AttachedToken token, string serverOrigin) : IDisposable
{
    private AssignedUserResponse? _user;
    private PinBuffer? _transportPin;
    private bool _pinVerified;
    private string? _storedCertificateId;
    private int _storedGeneration;
    private bool? _transportPinOpens;

    /// <summary>The highest order generation the flow accepts from a server (a larger number is refused as invalid).</summary>
    public const int MaxGeneration = 1000;

    /// <summary>The token being enrolled.</summary>
    public AttachedToken Token { get; } = token;

    /// <summary>True once STEP 3 succeeded or <see cref="TryResumeAsync"/> resumed: <see cref="StoreAsync"/> may run.</summary>
    public bool StoragePinVerified => _pinVerified;

    /// <summary>Zeroes the transport PIN, if the flow still holds it.</summary>
    public void Dispose()
    {
        _transportPin?.Dispose();
        _transportPin = null;
    }

    /// <summary>Keeps the transport PIN of a PIN-verified answer (zeroing one kept before) and disposes the answer.</summary>
    private void KeepTransportPin(PinVerifiedTicket verified)
    {
        using (verified)
        {
            _transportPin?.Dispose();
            _transportPin = PinBuffer.FromBytes(verified.TransportPin.Bytes);
            _transportPinOpens = null;
            _pinVerified = true;
        }
    }

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

        EnrollmentTestHook.Reached(EnrollmentTestHook.AfterStep1);
    }

    /// <summary>STEP 2: the user the token is assigned to.</summary>
    /// <returns>The user, the order's certificate ID and its generation (0 unless the CA operator reopened the order).</returns>
    /// <exception cref="EnrollmentException">
    /// <see cref="EnrollmentFailure.AlreadyStored"/> and other refusals; <see cref="EnrollmentFailure.ServerRefused"/>
    /// with code invalid-generation when the server sends a generation outside 0–<see cref="MaxGeneration"/>.
    /// </exception>
    public async Task<AssignedUserResponse> GetAssignedUserAsync(CancellationToken ct = default)
    {
        AssignedUserResponse user;
        try
        {
            user = await api.GetAssignedUserAsync(ct).ConfigureAwait(false);
        }
        catch (ApiProblemException e)
        {
            if (e.Code == "certificate-already-stored")
            {
                _storedCertificateId = e.Extensions.GetValueOrDefault("certificateId");
                _storedGeneration = int.TryParse(e.Extensions.GetValueOrDefault("generation"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int g) && g <= MaxGeneration ? g : 0;
            }

            throw Translate(e);
        }

        if (user.Generation is < 0 or > MaxGeneration)
        {
            throw new EnrollmentException(EnrollmentFailure.ServerRefused, "invalid-generation");
        }

        _user = user;
        EnrollmentTestHook.Reached(EnrollmentTestHook.AfterStep2);
        return user;
    }

    /// <summary>
    /// After STEP 2 refused with <see cref="EnrollmentFailure.AlreadyStored"/>: true when the token holds the order's
    /// key pair (its public key, readable without login) but no certificate with its CKA_ID, i.e. the token lost the
    /// certificate the server has as stored. Then <see cref="RestoreCertificateAsync"/> can write it back.
    /// </summary>
    /// <remarks>
    /// How a token loses it (checked by hand and in <c>EnrollDiskFullTests</c>): with SoftHSM2 2.6's token directory on
    /// a full file system, C_CreateObject answers CKR_OK and the object is usable until the module is unloaded, but its
    /// new object file stays empty (the write fails with ENOSPC, unreported), so after a reload the certificates are
    /// gone and an empty, invalid object file remains. C_SetPIN rewrites the existing token.object in place at the
    /// same size, which succeeds even on the full file system: the PIN change survives, the transport PIN no longer
    /// opens the token, the user's new PIN does. The run reported the certificate stored.
    /// </remarks>
    /// <returns>True when the certificate is missing and restorable; false otherwise (nothing to do here).</returns>
    /// <exception cref="Kagi.Tokens.KagiException">The token was removed.</exception>
    public bool IsStoredCertificateMissing()
    {
        if (_storedCertificateId is null)
        {
            return false;
        }

        byte[] keyId = KeyId(_storedCertificateId, _storedGeneration);
        try
        {
            using TokenSession session = TokenSession.Open(Token);
            return session.Session.FindObjects(ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), ObjectAttribute.Bytes(CKA.CKA_ID, keyId)).Any()
                && !HasCertificate(session.Session, keyId);
        }
        catch (Pkcs11Exception e)
        {
            throw new EnrollmentException(EnrollmentFailure.TokenError, Kagi.Pkcs11.Interop.CkrNames.Name(e.Result), e);
        }
    }

    /// <summary>
    /// Writes the certificate the server has as stored for this order back to a token that lost it (see
    /// <see cref="IsStoredCertificateMissing"/>): logs in with the user PIN (the PIN change of the first run persisted
    /// on the token even where the certificate did not), finds the order's key pair, sends its public key to the server,
    /// which answers with the same certificate only when it certifies that key and is not revoked, and writes it and
    /// the CA chain with the same CKA_ID and label as the key pair. Never asks for a new certificate; on any refusal
    /// nothing is written.
    /// </summary>
    /// <param name="userPin">The user PIN the user set when the certificate was stored.</param>
    /// <param name="ct">Cancels the server call.</param>
    /// <returns>The restored certificate.</returns>
    /// <exception cref="EnrollmentException">
    /// <see cref="EnrollmentFailure.UserPinRejected"/> (with the token's <see cref="EnrollmentException.PinState"/>),
    /// <see cref="EnrollmentFailure.RestoreKeyMismatch"/>,
    /// <see cref="EnrollmentFailure.CertificateRevoked"/>, <see cref="EnrollmentFailure.AlreadyStored"/> (the key pair is
    /// not complete, or the certificate is there after all), <see cref="EnrollmentFailure.TokenError"/>, or another
    /// refusal of the server.
    /// </exception>
    /// <exception cref="HttpRequestException">The server could not be reached; nothing was written, a rerun tries again.</exception>
    /// <exception cref="InvalidOperationException">STEP 2 did not say the certificate is already stored.</exception>
    public async Task<StoredCertificate> RestoreCertificateAsync(PinBuffer userPin, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(userPin);
        if (_storedCertificateId is null)
        {
            throw new InvalidOperationException("Only a certificate the server has as stored can be restored.");
        }

        try
        {
            return await RestoreOnTokenAsync(KeyId(_storedCertificateId, _storedGeneration), userPin, ct).ConfigureAwait(false);
        }
        catch (Pkcs11Exception e)
        {
            throw new EnrollmentException(EnrollmentFailure.TokenError, Kagi.Pkcs11.Interop.CkrNames.Name(e.Result), e);
        }
    }

    private async Task<StoredCertificate> RestoreOnTokenAsync(byte[] keyId, PinBuffer userPin, CancellationToken ct)
    {
        using TokenSession session = TokenSession.Open(Token, readWrite: true);

        // Only the user's own PIN: the transport PIN is handed out after a storage PIN, which the stored order has
        // spent. On SoftHSM2 the user PIN set by the first run persists (see IsStoredCertificateMissing); a token that
        // lost the PIN change as well refuses it, and then only the CA operator can help.
        LoginResult login = session.TryLogin(userPin);
        if (!login.LoggedIn)
        {
            throw new EnrollmentException(EnrollmentFailure.UserPinRejected) { PinState = login.PinState };
        }

        TokenKeyPair key = FindKey(session.Session, keyId) ?? throw new EnrollmentException(EnrollmentFailure.AlreadyStored);
        if (HasCertificate(session.Session, keyId))
        {
            throw new EnrollmentException(EnrollmentFailure.AlreadyStored);
        }

        byte[] publicKey = key.SubjectPublicKeyInfo();
        IssuedCertificateResponse issued;
        try
        {
            issued = await api.RestoreCertificateAsync(publicKey, ct).ConfigureAwait(false);
        }
        catch (ApiProblemException e)
        {
            throw Translate(e);
        }

        // The server compared the key; the token gets nothing that does not certify its key whatever it answered.
        using (X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(issued.Certificate)))
        {
            if (!certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(publicKey))
            {
                throw new EnrollmentException(EnrollmentFailure.RestoreKeyMismatch, "public-key-mismatch");
            }
        }

        // The same linking as the first run: the key pair's CKA_ID, and its label (the user's romanized name).
        string label = session.Session.GetAttribute(key.PublicKey, CKA.CKA_LABEL).AsString();
        WriteCertificates(session.Session, issued, keyId, label);
        return new StoredCertificate(issued.SerialNumber, issued.Subject, issued.NotBefore, issued.NotAfter, Token.Info.Serial);
    }

    /// <summary>
    /// The CKA_ID of the order's key pair and certificate of <paramref name="generation"/>: the first 8 bytes of
    /// SHA-256(UTF-8 certificate ID) for generation 0 (as before generations existed, so earlier tokens keep theirs),
    /// of SHA-256(UTF-8 "certificate ID#generation") for a reopened order's generation 1, 2, …
    /// </summary>
    internal static byte[] KeyId(string certificateId, int generation) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
        generation == 0 ? certificateId : certificateId + "#" + generation.ToString(System.Globalization.CultureInfo.InvariantCulture)))[..8];

    private static bool HasCertificate(Session session, byte[] keyId) =>
        session.FindObjects(ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_CERTIFICATE), ObjectAttribute.Bytes(CKA.CKA_ID, keyId)).Any();

    /// <summary>
    /// STEP 3 for front ends that receive the storage PIN as a string (a browser form): copies it into a
    /// <see cref="PinBuffer"/> and calls <see cref="VerifyStoragePinAsync(PinBuffer, CancellationToken)"/>. The string
    /// itself cannot be zeroed; the caller should drop it at once.
    /// </summary>
    /// <returns>Accepted, or wrong with the attempts left.</returns>
    /// <exception cref="EnrollmentException">Locked or expired PIN, or another refusal.</exception>
    public async Task<StoragePinCheck> VerifyStoragePinAsync(string storagePin, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(storagePin);
        using PinBuffer pin = PinBuffer.FromChars(storagePin);
        return await VerifyStoragePinAsync(pin, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// STEP 3: checks the storage PIN from the e-mail, sent from its bytes (it never becomes a string). A wrong PIN is
    /// data (with attempts left). On success the flow keeps the transport PIN of the answer in a zeroed-on-dispose buffer.
    /// </summary>
    /// <param name="storagePin">The storage PIN (UTF-8); the caller keeps and disposes it.</param>
    /// <param name="ct">Cancels the request.</param>
    /// <returns>Accepted, or wrong with the attempts left.</returns>
    /// <exception cref="EnrollmentException">Locked or expired PIN, or another refusal.</exception>
    /// <exception cref="ArgumentException">The PIN is longer than 256 bytes or not valid UTF-8.</exception>
    public async Task<StoragePinCheck> VerifyStoragePinAsync(PinBuffer storagePin, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(storagePin);
        try
        {
            KeepTransportPin(await api.VerifyStoragePinAsync(storagePin, ct).ConfigureAwait(false));
            EnrollmentTestHook.Reached(EnrollmentTestHook.AfterStep3);
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
    /// Between STEP 2 and STEP 3: asks the server whether this order's storage PIN was already verified by an
    /// interrupted run within the resume window (30 minutes after the verification). If so, the flow holds a
    /// PIN-verified ticket again and STEP 3 is skipped.
    /// </summary>
    /// <returns>True when resumed (skip STEP 3); false when the storage PIN still has to be entered.</returns>
    /// <exception cref="EnrollmentException">
    /// <see cref="EnrollmentFailure.StoragePinUsed"/>: the PIN was spent longer ago than the window, only a reissued
    /// storage PIN helps; other refusals as in the other steps.
    /// </exception>
    /// <exception cref="InvalidOperationException">Called before STEP 2.</exception>
    public async Task<bool> TryResumeAsync(CancellationToken ct = default)
    {
        if (_user is null)
        {
            throw new InvalidOperationException("Confirm the user first.");
        }

        try
        {
            KeepTransportPin(await api.ResumeEnrollmentWithTransportPinAsync(ct).ConfigureAwait(false));
            return true;
        }
        catch (ApiProblemException e) when (e.Code == "storage-pin-not-verified")
        {
            return false;
        }
        catch (ApiProblemException e)
        {
            throw Translate(e);
        }
    }

    /// <summary>
    /// STEP 4 entry: whether the token still opens with its transport PIN. True: the user chooses a new PIN now, and
    /// <see cref="StoreAsync"/> sets it. False: the user's own PIN is on the token already (set by a run that was
    /// interrupted after it changed the PIN, or for the certificate a reissued order replaces), so the caller asks the
    /// user for that PIN, once, and passes it to <see cref="StoreAsync"/>, which logs in with it and leaves it as it is.
    /// The transport PIN is tried at most once per flow: a refusal is remembered and never tried again, so the only
    /// failed login this costs is that first one (the token counts it; the user's next successful login resets it).
    /// </summary>
    /// <returns>The answer, with the token's user PIN state after the attempt (e.g. locked: only the CA operator helps).</returns>
    /// <exception cref="EnrollmentException"><see cref="EnrollmentFailure.TokenError"/>: the token failed.</exception>
    /// <exception cref="Kagi.Tokens.KagiException">The token was removed.</exception>
    /// <exception cref="InvalidOperationException">Called before STEP 2 and STEP 3.</exception>
    public TokenPinCheck CheckTokenPin()
    {
        if (_user is null || !_pinVerified)
        {
            throw new InvalidOperationException("Confirm the user and verify the storage PIN first.");
        }

        try
        {
            if (_transportPinOpens is { } known)
            {
                return new TokenPinCheck(known, Token.Refresh().PinState);
            }

            using TokenSession session = TokenSession.Open(Token);
            LoginResult login = TryTransportLogin(session);
            return new TokenPinCheck(login.LoggedIn, login.PinState);
        }
        catch (Pkcs11Exception e)
        {
            throw new EnrollmentException(EnrollmentFailure.TokenError, Kagi.Pkcs11.Interop.CkrNames.Name(e.Result), e);
        }
    }

    /// <summary>
    /// Logs <paramref name="session"/> in with the transport PIN and remembers whether the token took it; a PIN the
    /// token refused is zeroed at once (it is never tried again).
    /// </summary>
    private LoginResult TryTransportLogin(TokenSession session)
    {
        PinBuffer transport = _transportPin ?? throw new InvalidOperationException("The transport PIN is no longer held.");
        LoginResult login = session.TryLogin(transport);
        _transportPinOpens = login.LoggedIn;
        if (!login.LoggedIn)
        {
            Dispose();
        }

        return login;
    }

    /// <summary>The key type to generate on <paramref name="token"/>: EC P-256 when it can make EC keys, else RSA-2048.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The key type.</returns>
    public static KeySpec PreferredKeySpec(AttachedToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.Slot.GetMechanisms().Contains(CKM.CKM_EC_KEY_PAIR_GEN) ? KeySpec.EcP256 : KeySpec.Rsa2048;
    }

    /// <summary>
    /// STEP 4/5: logs in with the transport PIN (unless <see cref="CheckTokenPin"/> or an earlier attempt found that the
    /// token refuses it; then with <paramref name="newUserPin"/> as the user PIN already on the token), generates the
    /// key pair on the token (or finds the one an interrupted run made), sends a CSR signed on the token, writes the
    /// certificate and the CA chain, sets the user PIN (only after a transport-PIN login), removes a reissued order's
    /// earlier key pairs and certificates and reports the certificate stored.
    /// </summary>
    /// <param name="newUserPin">
    /// The user's new PIN (already checked against the PIN rules); when the token no longer opens with the transport
    /// PIN, the user PIN set before (see <see cref="CheckTokenPin"/>).
    /// </param>
    /// <param name="keySpec">Key type; null for <see cref="PreferredKeySpec"/>.</param>
    /// <param name="ct">Cancels the server calls.</param>
    /// <returns>The stored certificate.</returns>
    /// <exception cref="EnrollmentException">
    /// The token refused both PINs (<see cref="EnrollmentFailure.TokenPinRejected"/>, with the token's
    /// <see cref="EnrollmentException.PinState"/>; nothing was done, the caller may ask for the PIN again unless it is
    /// locked), failed (<see cref="EnrollmentFailure.TokenError"/>, removed or full), or the server refused.
    /// </exception>
    /// <exception cref="HttpRequestException">The server could not be reached; a rerun continues where this stopped.</exception>
    /// <exception cref="InvalidOperationException">Called before STEP 2 and STEP 3.</exception>
    public async Task<StoredCertificate> StoreAsync(PinBuffer newUserPin, KeySpec? keySpec = null, CancellationToken ct = default)
    {
        if (_user is null || !_pinVerified)
        {
            throw new InvalidOperationException("Confirm the user and verify the storage PIN first.");
        }

        try
        {
            return await StoreOnTokenAsync(newUserPin, keySpec ?? PreferredKeySpec(Token), ct).ConfigureAwait(false);
        }
        catch (Pkcs11Exception e)
        {
            throw new EnrollmentException(EnrollmentFailure.TokenError, Kagi.Pkcs11.Interop.CkrNames.Name(e.Result), e);
        }
    }

    private async Task<StoredCertificate> StoreOnTokenAsync(PinBuffer newUserPin, KeySpec keySpec, CancellationToken ct)
    {
        if (_user is null || !_pinVerified)
        {
            throw new InvalidOperationException("Confirm the user and verify the storage PIN first.");
        }

        byte[] keyId = KeyId(_user.CertificateId, _user.Generation);
        using TokenSession session = TokenSession.Open(Token, readWrite: true);

        // The transport PIN at most once per flow (see CheckTokenPin); after a refusal only the user's PIN is tried.
        bool transportLogin = _transportPinOpens != false && TryTransportLogin(session).LoggedIn;
        if (!transportLogin)
        {
            LoginResult login = session.TryLogin(newUserPin);
            if (!login.LoggedIn)
            {
                throw new EnrollmentException(EnrollmentFailure.TokenPinRejected) { PinState = login.PinState };
            }
        }

        TokenKeyPair? found = FindKey(session.Session, keyId);
        if (found is null)
        {
            RemoveHalfKeyPair(session.Session, keyId);
            found = TokenKeyGenerator.Generate(session.Session, keySpec, _user.RomanizedName, keyId);
            EnrollmentTestHook.Reached(EnrollmentTestHook.AfterKeyGeneration);
        }

        TokenKeyPair key = found;
        using AsymmetricAlgorithm signer = key.CreateSigner();
        byte[] csr = signer is ECDsa ec
            ? new CertificateRequest($"CN={_user.CertificateId}", ec, HashAlgorithmName.SHA256).CreateSigningRequest()
            : new CertificateRequest($"CN={_user.CertificateId}", (RSA)signer, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();

        IssuedCertificateResponse issued;
        EnrollmentTestHook.Reached(EnrollmentTestHook.BeforeCertificateRequest);
        try
        {
            issued = await api.RequestCertificateAsync(csr, ct).ConfigureAwait(false);
        }
        catch (ApiProblemException e)
        {
            throw Translate(e);
        }

        EnrollmentTestHook.Reached(EnrollmentTestHook.AfterIssue);
        WriteCertificates(session.Session, issued, keyId, _user.RomanizedName);
        EnrollmentTestHook.Reached(EnrollmentTestHook.AfterWrite);
        if (transportLogin)
        {
            session.SetPin(_transportPin!, newUserPin);

            // The token opens with the user's PIN now: a retry of this flow logs in with it, and the transport PIN is
            // not needed any more.
            _transportPinOpens = false;
            Dispose();
        }

        EnrollmentTestHook.Reached(EnrollmentTestHook.AfterPinSet);

        // A reissue: the new certificate is on the token now, so the order's earlier key pairs and certificates go.
        // Before the server hears "stored" (and revokes the replaced certificate): a run interrupted up to here leaves
        // the order open on the server, and the rerun, which logs in anyway, removes what is left.
        RemoveSuperseded(session.Session, _user.CertificateId, _user.Generation);
        EnrollmentTestHook.Reached(EnrollmentTestHook.AfterSupersededRemoved);

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

    /// <summary>
    /// Removes the key pairs and certificates of the order's generations before <paramref name="generation"/> (found by
    /// their derived CKA_IDs; CA certificates, which carry no CKA_ID, stay). Needs a logged-in session: private keys
    /// are private objects.
    /// </summary>
    private static void RemoveSuperseded(Session session, string certificateId, int generation)
    {
        for (int earlier = 0; earlier < generation; earlier++)
        {
            byte[] id = KeyId(certificateId, earlier);
            foreach (ulong objectClass in new[] { CKO.CKO_CERTIFICATE, CKO.CKO_PRIVATE_KEY, CKO.CKO_PUBLIC_KEY })
            {
                foreach (ulong handle in session.FindObjects(ObjectAttribute.ULong(CKA.CKA_CLASS, objectClass), ObjectAttribute.Bytes(CKA.CKA_ID, id)).ToArray())
                {
                    session.DestroyObject(handle);
                }
            }
        }
    }

    // C_GenerateKeyPair creates both halves at once on the tokens we know, but a module that persists them one by
    // one could be interrupted in between; a lone half with this order's CKA_ID is removed so no orphan remains.
    private static void RemoveHalfKeyPair(Session session, byte[] id)
    {
        foreach (ulong keyClass in new[] { CKO.CKO_PRIVATE_KEY, CKO.CKO_PUBLIC_KEY })
        {
            foreach (ulong handle in session.FindObjects(ObjectAttribute.ULong(CKA.CKA_CLASS, keyClass), ObjectAttribute.Bytes(CKA.CKA_ID, id)).ToArray())
            {
                session.DestroyObject(handle);
            }
        }
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

        EnrollmentTestHook.Reached(EnrollmentTestHook.AfterChainWrite);
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
            "storage-pin-locked" or "storage-pin-not-issued" => EnrollmentFailure.StoragePinLocked,
            "storage-pin-used" => EnrollmentFailure.StoragePinUsed,
            "storage-pin-expired" => EnrollmentFailure.StoragePinExpired,
            "storage-pin-not-verified" => EnrollmentFailure.StoragePinReissued,
            "public-key-mismatch" => EnrollmentFailure.RestoreKeyMismatch,
            "public-key-reused" => EnrollmentFailure.PublicKeyReused,
            "certificate-revoked" => EnrollmentFailure.CertificateRevoked,
            _ => EnrollmentFailure.ServerRefused,
        },
        e.Code,
        e);
}
