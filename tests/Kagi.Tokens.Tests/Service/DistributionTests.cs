using System.Security.Cryptography;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Provisioning;
using Kagi.Tokens.Tokens;

namespace Kagi.Tokens.Tests.Service;

[Collection(TokenServiceCollection.Name)]
public class DistributionTests(TokenServiceFixture fixture)
{
    [Fact]
    public void Distributed_token_proves_itself_without_login_and_has_random_pins()
    {
        Slot free = fixture.Modules.Modules[0].GetSlots().First(s => (s.GetTokenInfo().Flags & CKF.CKF_TOKEN_INITIALIZED) == 0);
        using DistributionResult first = TokenDistributor.Distribute(free, "Kagi token", currentSoPin: null);
        Assert.Equal("Kagi token", free.GetTokenInfo().Label);
        Assert.Equal(free.GetTokenInfo().SerialNumber, first.Serial);
        Assert.Equal(8, first.TransportPin.Length);
        Assert.False(first.SoPin.FixedTimeEquals(first.TransportPin));

        // Token authentication needs no PIN: the distribution key signs in a public session.
        var token = new AttachedToken(free, TokenInfo.From(fixture.Modules.Modules[0].Path, free.Id, free.GetTokenInfo()));
        byte[] digest = SHA256.HashData("nonce"u8);
        byte[] signature;
        using (TokenSession session = TokenSession.Open(token))
        {
            signature = DistributionKey.Sign(session, digest)!;
        }

        Assert.True(DistributionKey.Verify(first.DistributionPublicKey, digest, signature));
        Assert.False(DistributionKey.Verify(first.DistributionPublicKey, SHA256.HashData("other"u8), signature));

        // The key stays on the token: sensitive and never extractable.
        using (Session user = free.OpenSession(readWrite: true))
        {
            user.Login(CKU.CKU_USER, first.TransportPin.Bytes);
            ulong key = user.FindObjects(ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), ObjectAttribute.Bytes(CKA.CKA_ID, DistributionKey.Id)).Single();
            var attributes = user.GetAttributes(key, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_PRIVATE);
            Assert.True(attributes[0].AsBool());
            Assert.False(attributes[1].AsBool());
            Assert.False(attributes[2].AsBool());

            // ... and it only signs, like every Kagi key (the same generator).
            ulong publicKey = user.FindObjects(ObjectAttribute.ULong(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), ObjectAttribute.Bytes(CKA.CKA_ID, DistributionKey.Id)).Single();
            Kagi.Tokens.Tests.Keys.TokenKeyAttributesTests.AssertSignOnly(user, key, publicKey, privateKeyNeedsLogin: false);
            user.Logout();
        }

        // Re-distributing an initialized token needs its SO PIN, and replaces both PINs.
        using PinBuffer wrong = PinBuffer.FromChars("wrong-so");
        var e = Assert.Throws<Pkcs11Exception>(() => TokenDistributor.Distribute(free, "again", wrong));
        Assert.Equal(CKR.CKR_PIN_INCORRECT, e.Result);
        using DistributionResult second = TokenDistributor.Distribute(free, "again", first.SoPin);
        Assert.False(second.SoPin.FixedTimeEquals(first.SoPin));
        Assert.False(second.DistributionPublicKey.AsSpan().SequenceEqual(first.DistributionPublicKey));
        using Session so = free.OpenSession(readWrite: true);
        so.Login(CKU.CKU_SO, second.SoPin.Bytes);
        so.Logout();
    }
}
