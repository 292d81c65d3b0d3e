using System.Text.Json;
using Kagi.Testing;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// Keys that TokenKeyGenerator makes on opencryptoki's soft token (in kagi-ock-child, never in this process; see
/// <see cref="OpencryptokiChild"/>) are usable only for signing: opencryptoki 3.8 accepts the template that sets every
/// other usage to CK_FALSE. Its soft token makes no EC keys (no CKM_EC_KEY_PAIR_GEN), so only RSA is checked here when
/// EC is not offered; SoftHSM2 covers EC (Kagi.Tokens.Tests TokenKeyAttributesTests).
/// </summary>
[Collection("opencryptoki token")]
public class OpencryptokiKeyAttributesTests
{
    [Fact]
    public void User_and_distribution_keys_on_opencryptoki_are_usable_only_for_signing()
    {
        JsonElement report;
        using (OpencryptokiLock.Acquire())
        {
            report = OpencryptokiChild.Keys();
        }

        Assert.True(report.TryGetProperty("Rsa2048", out _), report.GetRawText());
        Assert.True(report.TryGetProperty("distribution", out _), report.GetRawText());
        foreach (JsonProperty key in report.EnumerateObject())
        {
            string context = key.Name + ": " + key.Value.GetRawText();
            Assert.False(key.Value.TryGetProperty("error", out _), context);
            JsonElement priv = key.Value.GetProperty("private");
            JsonElement pub = key.Value.GetProperty("public");
            foreach (string on in new[] { "CKA_SIGN", "CKA_SENSITIVE", "CKA_ALWAYS_SENSITIVE", "CKA_NEVER_EXTRACTABLE", "CKA_TOKEN" })
            {
                Assert.True(priv.GetProperty(on).GetBoolean(), context);
            }

            foreach (string off in new[] { "CKA_DECRYPT", "CKA_UNWRAP", "CKA_SIGN_RECOVER", "CKA_DERIVE", "CKA_EXTRACTABLE" })
            {
                Assert.False(priv.GetProperty(off).GetBoolean(), context);
            }

            Assert.Equal(key.Name != "distribution", priv.GetProperty("CKA_PRIVATE").GetBoolean());
            Assert.True(pub.GetProperty("CKA_VERIFY").GetBoolean(), context);
            foreach (string off in new[] { "CKA_ENCRYPT", "CKA_WRAP", "CKA_VERIFY_RECOVER", "CKA_DERIVE", "CKA_PRIVATE" })
            {
                Assert.False(pub.GetProperty(off).GetBoolean(), context);
            }
        }
    }
}
