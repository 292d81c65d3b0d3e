using Kagi.Testing;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Kagi.Tokens.Tests.Cli;

public class CliCertificateTests
{
    private static KagiRunner WithDemoCertificate()
    {
        var kagi = new KagiRunner();
        kagi.Hsm.InitToken("certs", "12345678", "1234");
        KagiRun setup = kagi.Run("1234\n", "demo", "setup", "--pin-stdin", "--name", "Hanako Suzuki");
        Assert.True(setup.ExitCode == 0, setup.All);
        return kagi;
    }

    [Fact]
    public void Certificates_are_listed_with_details_and_the_private_key_is_found_after_login()
    {
        using KagiRunner kagi = WithDemoCertificate();
        JsonElement[] certs = JsonDocument.Parse(kagi.Run(null, "certs", "--json").Stdout).RootElement.EnumerateArray().ToArray();
        Assert.Equal(2, certs.Length);
        JsonElement user = certs.Single(c => !c.GetProperty("isCa").GetBoolean());
        Assert.StartsWith("FC", user.GetProperty("certificateId").GetString(), StringComparison.Ordinal);
        Assert.Contains("CN=Hanako Suzuki", user.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Equal("CN=Kagi Demo CA, O=Kagi Demo, C=JP", user.GetProperty("issuer").GetString());
        Assert.Matches("^[0-9A-F]+$", user.GetProperty("serialNumber").GetString());
        Assert.Matches("^[0-9A-F]{64}$", user.GetProperty("sha256").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", user.GetProperty("notAfter").GetString());
        Assert.Equal("EC", user.GetProperty("keyAlgorithm").GetString());
        Assert.Equal(JsonValueKind.Null, user.GetProperty("hasPrivateKey").ValueKind); // private objects hide until login
        Assert.Contains("clientAuth", user.GetProperty("extendedKeyUsage").EnumerateArray().Select(e => e.GetString()));

        JsonElement afterLogin = JsonDocument.Parse(kagi.Run("1234\n", "certs", "--json", "--login", "--pin-stdin").Stdout).RootElement
            .EnumerateArray().Single(c => !c.GetProperty("isCa").GetBoolean());
        Assert.True(afterLogin.GetProperty("hasPrivateKey").GetBoolean());

        KagiRun show = kagi.Run(null, "cert", "show", user.GetProperty("certificateId").GetString()!, "--lang", "ja");
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("証明書 ID", show.Stdout, StringComparison.Ordinal);
        Assert.Contains(user.GetProperty("serialNumber").GetString()!, show.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_writes_der_and_pem_chain_and_refuses_private_keys_and_overwrites()
    {
        using KagiRunner kagi = WithDemoCertificate();
        JsonElement user = JsonDocument.Parse(kagi.Run(null, "certs", "--json").Stdout).RootElement.EnumerateArray()
            .Single(c => !c.GetProperty("isCa").GetBoolean());
        string serial = user.GetProperty("serialNumber").GetString()!;
        string der = Path.Combine(kagi.Hsm.Root, "user.der");
        string pem = Path.Combine(kagi.Hsm.Root, "chain.pem");

        Assert.Equal(0, kagi.Run(null, "cert", "export", serial, "--out", der, "--format", "der").ExitCode);
        using (X509Certificate2 exported = X509CertificateLoader.LoadCertificateFromFile(der))
        {
            Assert.Equal(serial, exported.SerialNumber);
        }

        Assert.Equal(0, kagi.Run(null, "cert", "export", serial, "--out", pem, "--chain").ExitCode);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(pem);
        Assert.Equal(2, chain.Count);
        Assert.Equal(chain[0].Issuer, chain[1].Subject);

        // Overwrite refused without --force; the file keeps its content.
        byte[] before = File.ReadAllBytes(der);
        KagiRun again = kagi.Run(null, "cert", "export", serial, "--out", der, "--format", "pem");
        Assert.Equal(13, again.ExitCode);
        Assert.Equal(before, File.ReadAllBytes(der));

        string keyFile = Path.Combine(kagi.Hsm.Root, "key.pem");
        KagiRun key = kagi.Run(null, "cert", "export", serial, "--out", keyFile, "--private-key", "--lang", "en");
        Assert.Equal(11, key.ExitCode);
        Assert.Contains("Private keys cannot be exported", key.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(keyFile));

        KagiRun unknown = kagi.Run(null, "cert", "export", "FC000000NOPE", "--out", keyFile);
        Assert.Equal(10, unknown.ExitCode);
        Assert.False(File.Exists(keyFile));
    }
}
