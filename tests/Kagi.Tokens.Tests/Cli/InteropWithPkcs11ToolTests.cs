using Kagi.Testing;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Kagi.Tokens.Tests.Cli;

/// <summary>Objects written by OpenSC's pkcs11-tool are read by kagi, and keys kagi generated sign through pkcs11-tool.</summary>
public class InteropWithPkcs11ToolTests
{
    [Fact]
    public void Kagi_reads_a_key_and_certificate_written_by_pkcs11_tool()
    {
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("opensc", "12345678", "1234");
        kagi.Hsm.RunPkcs11Tool(null, "1234", "--token-label", "opensc", "--login", "--pin", "env:KAGI_TEST_USER_PIN",
            "--keypairgen", "--key-type", "EC:prime256v1", "--id", "a1b2", "--label", "from-opensc");

        // Certify the public key pkcs11-tool generated, then store the certificate with pkcs11-tool.
        string pub = Path.Combine(kagi.Hsm.Root, "pub.der");
        kagi.Hsm.RunPkcs11Tool(null, null, "--token-label", "opensc", "--read-object", "--type", "pubkey", "--id", "a1b2", "--output-file", pub);
        using ECDsa issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using ECDsa subjectKey = ECDsa.Create();
        subjectKey.ImportSubjectPublicKeyInfo(File.ReadAllBytes(pub), out _);
        var request = new CertificateRequest("CN=OpenSC Interop, SERIALNUMBER=FC0000000042", subjectKey, HashAlgorithmName.SHA256);
        var generator = X509SignatureGenerator.CreateForECDsa(issuerKey);
        using X509Certificate2 cert = request.Create(new X500DistinguishedName("CN=Interop CA"), generator, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(30), [0x42, 0x01]);
        string certFile = Path.Combine(kagi.Hsm.Root, "cert.der");
        File.WriteAllBytes(certFile, cert.RawData);
        kagi.Hsm.RunPkcs11Tool(null, "1234", "--token-label", "opensc", "--login", "--pin", "env:KAGI_TEST_USER_PIN",
            "--write-object", certFile, "--type", "cert", "--id", "a1b2", "--label", "from-opensc");

        KagiRun run = kagi.Run("1234\n", "certs", "--json", "--login", "--pin-stdin");
        Assert.True(run.ExitCode == 0, run.All);
        JsonElement c = Assert.Single(JsonDocument.Parse(run.Stdout).RootElement.EnumerateArray());
        Assert.Equal("A1B2", c.GetProperty("id").GetString());
        Assert.Equal("from-opensc", c.GetProperty("label").GetString());
        Assert.Equal("FC0000000042", c.GetProperty("certificateId").GetString());
        Assert.Equal("4201", c.GetProperty("serialNumber").GetString());
        Assert.True(c.GetProperty("hasPrivateKey").GetBoolean());
        Assert.Equal(Convert.ToHexString(SHA256.HashData(cert.RawData)), c.GetProperty("sha256").GetString());
    }

    [Fact]
    public void A_key_kagi_generated_signs_through_pkcs11_tool_and_verifies_against_its_certificate()
    {
        using var kagi = new KagiRunner();
        kagi.Hsm.InitToken("kagi-keys", "12345678", "1234");
        Assert.Equal(0, kagi.Run("1234\n", "demo", "setup", "--pin-stdin").ExitCode);
        JsonElement user = JsonDocument.Parse(kagi.Run(null, "certs", "--json").Stdout).RootElement.EnumerateArray()
            .Single(c => !c.GetProperty("isCa").GetBoolean());
        string id = user.GetProperty("id").GetString()!;

        string data = Path.Combine(kagi.Hsm.Root, "data.bin");
        string signature = Path.Combine(kagi.Hsm.Root, "sig.bin");
        byte[] message = "signed through OpenSC"u8.ToArray();
        File.WriteAllBytes(data, SHA256.HashData(message)); // SoftHSM2 offers CKM_ECDSA over a host hash
        kagi.Hsm.RunPkcs11Tool(null, "1234", "--token-label", "kagi-keys", "--login", "--pin", "env:KAGI_TEST_USER_PIN",
            "--sign", "--mechanism", "ECDSA", "--id", id, "--input-file", data, "--output-file", signature);

        string certFile = Path.Combine(kagi.Hsm.Root, "user.der");
        Assert.Equal(0, kagi.Run(null, "cert", "export", id, "--out", certFile, "--format", "der").ExitCode);
        using X509Certificate2 cert = X509CertificateLoader.LoadCertificateFromFile(certFile);
        using ECDsa key = cert.GetECDsaPublicKey()!;
        Assert.True(key.VerifyData(message, File.ReadAllBytes(signature), HashAlgorithmName.SHA256));
    }
}
