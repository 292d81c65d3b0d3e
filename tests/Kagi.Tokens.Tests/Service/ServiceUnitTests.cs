using System.Security.Cryptography.X509Certificates;
using Kagi.Pkcs11.Interop;
using Kagi.Tokens.Certificates;
using Kagi.Tokens.Events;
using Kagi.Tokens.Modules;
using Kagi.Tokens.Tokens;

namespace Kagi.Tokens.Tests.Service;

/// <remarks>
/// In the token service collection although it needs no token: the module discovery test loads SoftHSM2 into this
/// process, and a module this process holds is shared by every later load without being initialized again. Run beside
/// the collection's fixture, it could hold SoftHSM2 from before the fixture made its token until the fixture loaded the
/// module, which then never lists that token. In the collection it runs after the fixture is set up, never during.
/// </remarks>
[Collection(TokenServiceCollection.Name)]
public class ServiceUnitTests
{
    [Theory]
    [InlineData(CKF.CKF_USER_PIN_INITIALIZED, PinState.Ok)]
    [InlineData(CKF.CKF_USER_PIN_INITIALIZED | CKF.CKF_USER_PIN_COUNT_LOW, PinState.CountLow)]
    [InlineData(CKF.CKF_USER_PIN_INITIALIZED | CKF.CKF_USER_PIN_COUNT_LOW | CKF.CKF_USER_PIN_FINAL_TRY, PinState.FinalTry)]
    [InlineData(CKF.CKF_USER_PIN_INITIALIZED | CKF.CKF_USER_PIN_FINAL_TRY | CKF.CKF_USER_PIN_LOCKED, PinState.Locked)]
    [InlineData(CKF.CKF_USER_PIN_INITIALIZED | CKF.CKF_USER_PIN_TO_BE_CHANGED, PinState.MustBeChanged)]
    [InlineData(0UL, PinState.NotInitialized)]
    public void Pin_state_is_the_most_severe_flag(ulong flags, PinState expected) => Assert.Equal(expected, PinStates.FromFlags(flags));

    [Fact]
    public void Token_flags_are_named_and_unknown_bits_kept()
    {
        Assert.Equal(["rng", "loginRequired", "userPinCountLow", "0x80000000"], TokenFlags.Decode(CKF.CKF_RNG | CKF.CKF_LOGIN_REQUIRED | CKF.CKF_USER_PIN_COUNT_LOW | 0x8000_0000UL));
    }

    [Fact]
    public void Settings_prefer_option_then_environment_then_config_file()
    {
        string config = Path.Combine(Path.GetTempPath(), $"kagi-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(config, """{ "module": "/from/config.so", "token": "CFG", "lang": "ja" }""");
        try
        {
            var env = new Dictionary<string, string?> { ["KAGI_CONFIG"] = config };
            KagiSettings fromFile = KagiSettings.Resolve(null, null, null, k => env.GetValueOrDefault(k));
            Assert.Equal(("/from/config.so", ModuleSource.ConfigFile), fromFile.Module);
            Assert.Equal("CFG", fromFile.TokenSerial);
            Assert.Equal("ja", fromFile.Language);

            env["KAGI_PKCS11_MODULE"] = "/from/env.so";
            env["KAGI_TOKEN"] = "ENV";
            KagiSettings fromEnv = KagiSettings.Resolve(null, null, null, k => env.GetValueOrDefault(k));
            Assert.Equal(("/from/env.so", ModuleSource.Environment), fromEnv.Module);
            Assert.Equal("ENV", fromEnv.TokenSerial);

            KagiSettings fromOption = KagiSettings.Resolve("/from/option.so", "OPT", "en", k => env.GetValueOrDefault(k));
            Assert.Equal(("/from/option.so", ModuleSource.Option), fromOption.Module);
            Assert.Equal("OPT", fromOption.TokenSerial);
            Assert.Equal("en", fromOption.Language);

            File.WriteAllText(config, "{ not json");
            Assert.Throws<InvalidDataException>(() => KagiSettings.Resolve(null, null, null, k => env.GetValueOrDefault(k)));
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public void Discovery_reports_missing_failed_and_duplicate_modules()
    {
        string notModule = new[] { "/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1" }.First(File.Exists);
        string link = Path.Combine(Path.GetTempPath(), $"kagi-softhsm-link-{Guid.NewGuid():N}.so");
        File.CreateSymbolicLink(link, Kagi.Testing.SoftHsm.ModulePath);
        try
        {
            using ModuleSet set = ModuleSet.Open(new KagiSettings(), [
                ("Nobody", "/nonexistent/module.so"),
                ("zlib", notModule),
                ("SoftHSM2", Kagi.Testing.SoftHsm.ModulePath),
                ("SoftHSM2 link", link),
            ]);
            Assert.Equal(
                [ModuleStatus.NotInstalled, ModuleStatus.Failed, ModuleStatus.Used, ModuleStatus.Duplicate],
                set.Candidates.Select(c => c.Status));
            Assert.Contains("not a PKCS#11 module", set.Candidates[1].Detail, StringComparison.Ordinal);
            Assert.Single(set.Modules);
        }
        finally
        {
            File.Delete(link);
        }
    }

    [Fact]
    public void Explicit_module_that_fails_is_an_error_not_a_fallback()
    {
        var e = Assert.Throws<KagiException>(() => ModuleSet.Open(new KagiSettings { Module = ("/nonexistent/x.so", ModuleSource.Environment) }));
        Assert.Equal(KagiError.ModuleLoadFailed, e.Error);
        Assert.Equal("/nonexistent/x.so", e.Arguments[0]);
    }

    [Fact]
    public void Watch_diff_reports_removals_then_insertions()
    {
        TokenInfo Token(string serial, ulong slot) => new("/m.so", slot, "L" + serial, "M", "Model", serial, "1.0", "1.0", 4, 8, 0, PinState.Ok);
        var before = TokenWatcher.Index([Token("A", 1), Token("B", 2)]);
        var after = TokenWatcher.Index([Token("B", 2), Token("C", 3)]);
        TokenEvent[] events = TokenWatcher.Diff(before, after, DateTimeOffset.UnixEpoch).ToArray();
        Assert.Equal([(TokenEventKind.Removed, "A"), (TokenEventKind.Inserted, "C")], events.Select(e => (e.Kind, e.Token.Serial)));
    }

    [Theory]
    [InlineData("CN=Taro Yamada, SERIALNUMBER=FC0123456789, O=Example", "FC0123456789")]
    [InlineData("CN=Taro Yamada, O=Example", "Taro Yamada")]
    [InlineData("O=Example", "")]
    public void Certificate_id_is_the_subject_serial_number_else_the_cn(string subject, string expected) =>
        Assert.Equal(expected, CertificateDetails.CertificateId(new X500DistinguishedName(subject)));
}
