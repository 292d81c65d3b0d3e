using System.Security.Cryptography;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;
using Kagi.Testing;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Tokens;
using Kagi.Tokens.Tests.Service;

namespace Kagi.Tokens.Tests.Keys;

/// <summary>
/// Keys Kagi generates on SoftHSM2 are usable only for signing, sensitive, non-extractable and private, read back through
/// Kagi's binding and, as an independent peer, through OpenSC's pkcs11-tool.
/// </summary>
[Collection(TokenServiceCollection.Name)]
public class TokenKeyAttributesTests(TokenServiceFixture fixture)
{
    [Theory]
    [InlineData(KeySpec.EcP256)]
    [InlineData(KeySpec.EcP384)]
    [InlineData(KeySpec.Rsa2048)]
    public void Generated_keys_are_usable_only_for_signing(KeySpec spec)
    {
        using TokenSession session = fixture.LoggedIn();
        byte[] id = RandomNumberGenerator.GetBytes(8);
        TokenKeyPair key = TokenKeyGenerator.Generate(session.Session, spec, "attributes-" + spec, id);
        try
        {
            AssertSignOnly(session.Session, key.PrivateKey, key.PublicKey, privateKeyNeedsLogin: true);

            // pkcs11-tool, in a process of its own, reads the same token files.
            (string Usage, string Access) privateKey = Pkcs11ToolView(fixture.UserPin, "privkey", id);
            (string Usage, string Access) publicKey = Pkcs11ToolView(fixture.UserPin, "pubkey", id);
            Assert.Equal("sign", privateKey.Usage);
            Assert.Equal("sensitive, always sensitive, never extractable, local", privateKey.Access);
            Assert.Equal("verify", publicKey.Usage);
        }
        finally
        {
            session.Session.DestroyObject(key.PrivateKey);
            session.Session.DestroyObject(key.PublicKey);
        }
    }

    /// <summary>Asserts the usages and protection of a generated key pair through Kagi's binding.</summary>
    internal static void AssertSignOnly(Session session, ulong privateKey, ulong publicKey, bool privateKeyNeedsLogin)
    {
        IReadOnlyList<AttributeValue> priv = session.GetAttributes(
            privateKey,
            CKA.CKA_SIGN, CKA.CKA_DECRYPT, CKA.CKA_UNWRAP, CKA.CKA_SIGN_RECOVER, CKA.CKA_DERIVE,
            CKA.CKA_SENSITIVE, CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_PRIVATE, CKA.CKA_TOKEN);
        Assert.Equal(
            [true, false, false, false, false, true, true, false, true, privateKeyNeedsLogin, true],
            priv.Select(a => a.AsBool()));

        IReadOnlyList<AttributeValue> pub = session.GetAttributes(
            publicKey, CKA.CKA_VERIFY, CKA.CKA_ENCRYPT, CKA.CKA_WRAP, CKA.CKA_VERIFY_RECOVER, CKA.CKA_DERIVE, CKA.CKA_PRIVATE, CKA.CKA_TOKEN);
        Assert.Equal([true, false, false, false, false, false, true], pub.Select(a => a.AsBool()));
    }

    /// <summary>The Usage and Access lines that pkcs11-tool --list-objects prints for the key of this type and CKA_ID.</summary>
    internal static (string Usage, string Access) Pkcs11ToolView(string userPin, string type, byte[] id, SoftHsm? hsm = null, string? tokenLabel = null)
    {
        string output = (hsm ?? SoftHsm.Process).RunPkcs11Tool(
            null, userPin, "--token-label", tokenLabel ?? TokenServiceFixture.Label, "--login", "--pin", "env:KAGI_TEST_USER_PIN",
            "--list-objects", "--type", type);
        string hex = Convert.ToHexString(id).ToLowerInvariant();
        var blocks = new List<List<string>>();
        foreach (string line in output.Split('\n'))
        {
            if (line.Length > 0 && !char.IsWhiteSpace(line[0]))
            {
                blocks.Add([]);
            }

            if (blocks.Count > 0)
            {
                blocks[^1].Add(line.Trim());
            }
        }

        List<string> block = Assert.Single(blocks, b => b.Contains("ID:         " + hex));
        return (Value(block, "Usage:"), Value(block, "Access:"));
    }

    private static string Value(List<string> block, string name) =>
        block.Single(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim();
}
