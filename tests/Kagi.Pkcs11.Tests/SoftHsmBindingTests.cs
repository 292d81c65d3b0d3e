using System.Security.Cryptography;
using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11.Tests;

[Collection(SoftHsmCollection.Name)]
public class SoftHsmBindingTests(SoftHsmFixture hsm)
{
    [Fact]
    public void Module_and_token_info_are_decoded_and_trimmed()
    {
        CkInfo info = hsm.Module.GetInfo();
        Assert.Equal("SoftHSM", info.ManufacturerId);
        Assert.Equal(2, info.CryptokiVersion.Major);

        CkTokenInfo token = hsm.Slot.GetTokenInfo();
        Assert.Equal(SoftHsmFixture.Label, token.Label);
        Assert.Equal("SoftHSM project", token.ManufacturerId);
        Assert.Equal("SoftHSM v2", token.Model);
        Assert.Matches("^[0-9a-f]{16}$", token.SerialNumber);
        Assert.Equal(4UL, token.MinPinLength);
        Assert.NotEqual(0UL, token.Flags & CKF.CKF_TOKEN_INITIALIZED);
        Assert.NotEqual(0UL, token.Flags & CKF.CKF_USER_PIN_INITIALIZED);

        CkSlotInfo slot = hsm.Slot.GetSlotInfo();
        Assert.NotEqual(0UL, slot.Flags & CKF.CKF_TOKEN_PRESENT);
        Assert.StartsWith("SoftHSM slot", slot.SlotDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void Mechanisms_list_and_info()
    {
        IReadOnlyList<ulong> mechanisms = hsm.Slot.GetMechanisms();
        Assert.Contains(CKM.CKM_ECDSA, mechanisms);
        Assert.Contains(CKM.CKM_RSA_PKCS_PSS, mechanisms);
        CkMechanismInfo ec = hsm.Slot.GetMechanismInfo(CKM.CKM_EC_KEY_PAIR_GEN);
        Assert.NotEqual(0UL, ec.Flags & CKF.CKF_GENERATE_KEY_PAIR);
        var e = Assert.Throws<Pkcs11Exception>(() => hsm.Slot.GetMechanismInfo(0x7FFF_FFF0));
        Assert.Equal(CKR.CKR_MECHANISM_INVALID, e.Result);
    }

    [Fact]
    public void Wrong_pin_raises_an_exception_naming_the_function_and_ckr_but_not_the_pin()
    {
        using Session session = hsm.Slot.OpenSession();
        var e = Assert.Throws<Pkcs11Exception>(() => session.Login(CKU.CKU_USER, SoftHsmFixture.Pin("99999999")));
        Assert.Equal(CKR.CKR_PIN_INCORRECT, e.Result);
        Assert.Equal("C_Login failed: CKR_PIN_INCORRECT", e.Message);
        Assert.DoesNotContain("99999999", e.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("P-256")]
    [InlineData("P-384")]
    public void Ec_key_generated_on_token_signs_a_host_hash_and_verifies(string curveName)
    {
        using Session session = hsm.UserSession();
        (byte[] oid, ECCurve curve, HashAlgorithmName hashName) = curveName == "P-256"
            ? (KeyTemplates.P256, ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256)
            : (KeyTemplates.P384, ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384);
        var (pub, priv) = KeyTemplates.GenerateEc(session, oid, "ec-" + curveName, RandomNumberGenerator.GetBytes(8));
        try
        {
            byte[] data = "kagi binding test"u8.ToArray();
            byte[] hash = curveName == "P-256" ? SHA256.HashData(data) : SHA384.HashData(data);
            byte[] signature = session.Sign(Mechanism.Ecdsa, priv, hash);
            using ECDsa verifier = KeyTemplates.EcPublicKey(session, pub, curve);
            Assert.True(verifier.VerifyData(data, signature, hashName, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
            signature[^1] ^= 1;
            Assert.False(verifier.VerifyData(data, signature, hashName, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        }
        finally
        {
            session.DestroyObject(priv);
            session.DestroyObject(pub);
        }
    }

    [Fact]
    public void Rsa_key_signs_pkcs1_and_pss_and_private_parts_stay_sensitive()
    {
        using Session session = hsm.UserSession();
        var (pub, priv) = KeyTemplates.GenerateRsa(session, 2048, "rsa-2048", [0x52, 0x53]);
        try
        {
            byte[] data = "kagi rsa"u8.ToArray();
            byte[] hash = SHA256.HashData(data);
            using RSA verifier = KeyTemplates.RsaPublicKey(session, pub);
            Assert.Equal(2048, verifier.KeySize);

            byte[] pkcs1 = session.Sign(Mechanism.RsaPkcs, priv, KeyTemplates.Sha256DigestInfo(hash));
            Assert.True(verifier.VerifyHash(hash, pkcs1, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

            byte[] pss = session.Sign(Mechanism.RsaPss(CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256, 32), priv, hash);
            Assert.True(verifier.VerifyHash(hash, pss, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));

            Span<byte> small = stackalloc byte[10];
            var tooSmall = Assert.Throws<Pkcs11Exception>(() => session.Sign(Mechanism.RsaPkcs, priv, KeyTemplates.Sha256DigestInfo(hash), new byte[10]));
            Assert.Equal(CKR.CKR_BUFFER_TOO_SMALL, tooSmall.Result);

            // One read mixing readable, sensitive and meaningless attributes: nothing throws.
            var values = session.GetAttributes(priv, CKA.CKA_LABEL, CKA.CKA_PRIVATE_EXPONENT, CKA.CKA_EC_POINT, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE);
            Assert.Equal("rsa-2048", values[0].AsString());
            Assert.False(values[1].IsAvailable);
            Assert.False(values[2].IsAvailable);
            Assert.True(values[3].AsBool());
            Assert.False(values[4].AsBool());
        }
        finally
        {
            session.DestroyObject(priv);
            session.DestroyObject(pub);
        }
    }

    [Fact]
    public void Objects_are_created_found_changed_and_destroyed()
    {
        using Session session = hsm.UserSession();
        string label = "data-" + Guid.NewGuid().ToString("N");
        ulong handle = session.CreateObject(
            ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_DATA), ObjectAttribute.Bool(CKA.CKA_TOKEN, false),
            ObjectAttribute.Utf8(CKA.CKA_LABEL, label), ObjectAttribute.Bytes(CKA.CKA_VALUE, [1, 2, 3]));
        Assert.Equal([handle], session.FindObjects(ObjectAttribute.Utf8(CKA.CKA_LABEL, label)));
        Assert.Equal(CKO.CKO_DATA, session.GetAttribute(handle, CKA.CKA_CLASS).AsULong());
        Assert.Equal([1, 2, 3], session.GetAttribute(handle, CKA.CKA_VALUE).AsBytes());

        session.SetAttributes(handle, ObjectAttribute.Utf8(CKA.CKA_LABEL, label + "-renamed"));
        Assert.Empty(session.FindObjects(ObjectAttribute.Utf8(CKA.CKA_LABEL, label)));
        Assert.Single(session.FindObjects(ObjectAttribute.Utf8(CKA.CKA_LABEL, label + "-renamed")));

        session.DestroyObject(handle);
        Assert.Empty(session.FindObjects(ObjectAttribute.Utf8(CKA.CKA_LABEL, label + "-renamed")));
        var e = Assert.Throws<Pkcs11Exception>(() => session.GetAttribute(handle, CKA.CKA_LABEL));
        Assert.Equal(CKR.CKR_OBJECT_HANDLE_INVALID, e.Result);
    }

    [Fact]
    public void Find_returns_more_than_one_batch()
    {
        using Session session = hsm.UserSession();
        string label = "many-" + Guid.NewGuid().ToString("N");
        for (int i = 0; i < 70; i++)
        {
            session.CreateObject(ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_DATA), ObjectAttribute.Bool(CKA.CKA_TOKEN, false), ObjectAttribute.Utf8(CKA.CKA_LABEL, label));
        }

        Assert.Equal(70, session.FindObjects(ObjectAttribute.Utf8(CKA.CKA_LABEL, label)).Distinct().Count());
    }

    [Fact]
    public void Random_bytes_come_from_the_token()
    {
        using Session session = hsm.Slot.OpenSession();
        byte[] a = new byte[32], b = new byte[32];
        session.GenerateRandom(a);
        session.GenerateRandom(b);
        Assert.NotEqual(a, b);
        Assert.Contains(a, x => x != 0);
    }

    [Fact]
    public void Session_info_reflects_login_state()
    {
        using Session session = hsm.Slot.OpenSession(readWrite: true);
        ulong state = session.GetInfo().State;
        Assert.True(state is CKS.CKS_RW_PUBLIC_SESSION or CKS.CKS_RW_USER_FUNCTIONS);
        using Session user = hsm.UserSession();
        Assert.Equal(CKS.CKS_RW_USER_FUNCTIONS, user.GetInfo().State);
        Assert.Equal(hsm.Slot.Id, user.GetInfo().SlotId);
    }

    [Fact]
    public void A_second_load_adopts_the_initialized_module_and_keeps_it_alive()
    {
        using (Pkcs11Module again = Pkcs11Module.Load(Kagi.Testing.SoftHsm.ModulePath))
        {
            Assert.Contains(again.GetSlots(), s => s.Id == hsm.Slot.Id);
        }

        // Disposing the second reference did not finalize the module for the first.
        Assert.Equal(SoftHsmFixture.Label, hsm.Slot.GetTokenInfo().Label);
    }

    [Fact]
    public void SoftHsm2_is_recognized_from_c_get_info_and_not_rescanned_while_shared()
    {
        Assert.Same(ModuleQuirks.SoftHsm2, hsm.Module.Quirks);

        // The fixture's reference and this one: re-initializing would close the fixture's sessions.
        using Pkcs11Module again = Pkcs11Module.Load(Kagi.Testing.SoftHsm.ModulePath);
        Assert.False(again.Rescan());
        Assert.Equal(SoftHsmFixture.Label, hsm.Slot.GetTokenInfo().Label);
    }

    [Fact]
    public void Slot_events_are_polled_without_blocking()
    {
        // SoftHSM2 answers CKF_DONT_BLOCK with CKR_NO_EVENT (and blocking calls with CKR_FUNCTION_NOT_SUPPORTED);
        // the call must return at once. A blocking wait would last until a slot event, which never comes here, so the
        // bound only has to be far above what a loaded machine can add to one call (2 s was not: a descheduled thread
        // or a collection pause can take that long).
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(hsm.Module.TryGetSlotEvent(out _));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"TryGetSlotEvent took {watch.Elapsed}");
    }
}

[Collection(SoftHsmCollection.Name)]
public class TokenInitializationTests(SoftHsmFixture hsm)
{
    [Fact]
    public void Init_token_init_pin_and_set_pin_through_the_binding()
    {
        Slot free = hsm.Module.GetSlots().First(s => (s.GetTokenInfo().Flags & CKF.CKF_TOKEN_INITIALIZED) == 0);
        byte[] so = SoftHsmFixture.Pin("so-secret-1");
        free.InitToken(so, "fresh token 鍵");
        Assert.Equal("fresh token 鍵", free.GetTokenInfo().Label);

        using (Session session = free.OpenSession(readWrite: true))
        {
            session.Login(CKU.CKU_SO, so);
            Assert.Equal(CKS.CKS_RW_SO_FUNCTIONS, session.GetInfo().State);
            session.InitPin(SoftHsmFixture.Pin("1111"));
            session.Logout();

            session.Login(CKU.CKU_USER, SoftHsmFixture.Pin("1111"));
            session.SetPin(SoftHsmFixture.Pin("1111"), SoftHsmFixture.Pin("2222"));
            session.Logout();

            var e = Assert.Throws<Pkcs11Exception>(() => session.Login(CKU.CKU_USER, SoftHsmFixture.Pin("1111")));
            Assert.Equal(CKR.CKR_PIN_INCORRECT, e.Result);
            session.Login(CKU.CKU_USER, SoftHsmFixture.Pin("2222"));
            session.Logout();
        }

        Assert.NotEqual(0UL, free.GetTokenInfo().Flags & CKF.CKF_USER_PIN_INITIALIZED);
    }
}
