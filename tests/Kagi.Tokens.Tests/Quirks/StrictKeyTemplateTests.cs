using Kagi.Testing;

namespace Kagi.Tokens.Tests.Quirks;

/// <summary>
/// Modules that refuse a key template naming usages they do not know for the key type (CKR_ATTRIBUTE_TYPE_INVALID):
/// TokenKeyGenerator generates the pair again with the smaller template and switches the other usages off afterwards,
/// and refuses to leave a key with a usage beyond signing. Uses the C test double strict-key-template.c beside this file.
/// </summary>
public class StrictKeyTemplateTests
{
    [Fact]
    public void A_module_that_refuses_the_usage_attributes_still_gets_a_sign_only_key()
    {
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("strict", "12345678", "1234");
        kagi.Module = GeneralErrorLoginTests.BuildShim(kagi.Hsm.Root, "strict-key-template");

        KagiRun run = kagi.Run("1234\n", "demo", "setup", "--pin-stdin", "--lang", "en");
        Assert.True(run.ExitCode == 0, run.All);

        // SoftHSM2 behind the double would have given the key CKA_UNWRAP and CKA_SIGN_RECOVER by default.
        string privateKeys = kagi.Hsm.RunPkcs11Tool(null, "1234", "--token-label", "strict", "--login", "--pin", "env:KAGI_TEST_USER_PIN", "--list-objects", "--type", "privkey");
        string publicKeys = kagi.Hsm.RunPkcs11Tool(null, "1234", "--token-label", "strict", "--login", "--pin", "env:KAGI_TEST_USER_PIN", "--list-objects", "--type", "pubkey");
        Assert.Equal(["sign"], Usages(privateKeys));
        Assert.Equal(["verify"], Usages(publicKeys));
    }

    [Fact]
    public void A_key_whose_extra_usages_cannot_be_switched_off_is_not_kept()
    {
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("stuck", "12345678", "1234");
        kagi.Module = GeneralErrorLoginTests.BuildShim(kagi.Hsm.Root, "strict-key-template");
        kagi.Environment["KAGI_SHIM_USAGES_READ_ONLY"] = "1";

        KagiRun run = kagi.Run("1234\n", "demo", "setup", "--pin-stdin", "--lang", "en");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("CKR_ATTRIBUTE_TYPE_INVALID", run.Stderr, StringComparison.Ordinal);

        string keys = kagi.Hsm.RunPkcs11Tool(null, "1234", "--token-label", "stuck", "--login", "--pin", "env:KAGI_TEST_USER_PIN", "--list-objects");
        Assert.DoesNotContain("Key Object", keys, StringComparison.Ordinal);
    }

    private static string[] Usages(string pkcs11ToolOutput) =>
        [.. pkcs11ToolOutput.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Usage:", StringComparison.Ordinal)).Select(l => l["Usage:".Length..].Trim())];
}
