using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11.Tests;

/// <summary>The known-modules table behind Pkcs11Module's re-initialization rule, matched on C_GetInfo.</summary>
public class ModuleQuirksTests
{
    private static CkInfo Info(string manufacturer, string library) =>
        new(new CkVersion(2, 40), manufacturer.PadRight(32), 0, library.PadRight(32), new CkVersion(1, 0));

    [Fact]
    public void SoftHsm2_rescans_by_reinitializing_and_survives_it()
    {
        ModuleQuirks q = ModuleQuirks.For(Info("SoftHSM", "Implementation of PKCS11"));
        Assert.Same(ModuleQuirks.SoftHsm2, q);
        Assert.True(q.EnumeratesTokensOnlyAtInitialize);
        Assert.True(q.SurvivesReinitialize);
    }

    [Fact]
    public void Opencryptoki_is_never_reinitialized()
    {
        // What libopencryptoki 3.8.1 answers (pkcs11-tool -I: "Manufacturer IBM", "Library Meta PKCS11 LIBRARY").
        ModuleQuirks q = ModuleQuirks.For(Info("IBM", "Meta PKCS11 LIBRARY"));
        Assert.Same(ModuleQuirks.Opencryptoki, q);
        Assert.False(q.EnumeratesTokensOnlyAtInitialize);
        Assert.False(q.SurvivesReinitialize);
    }

    [Theory]
    [InlineData("SafeNet, Inc.", "SafeNet eToken PKCS#11")]
    [InlineData("OpenSC Project", "OpenSC smartcard framework")]
    [InlineData("SoftHSM", "Something else")]
    public void An_unknown_module_is_initialized_once_and_not_reinitialized_to_rescan(string manufacturer, string library)
    {
        Assert.Same(ModuleQuirks.Unknown, ModuleQuirks.For(Info(manufacturer, library)));
        Assert.False(ModuleQuirks.Unknown.SurvivesReinitialize);
        Assert.False(ModuleQuirks.Unknown.EnumeratesTokensOnlyAtInitialize);
        Assert.Same(ModuleQuirks.Unknown, ModuleQuirks.For(null));
    }
}
