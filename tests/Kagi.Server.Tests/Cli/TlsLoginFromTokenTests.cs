using System.Diagnostics;
using System.Text.Json;
using Kagi.Server.Tests.Infrastructure;
using Kagi.Testing;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// The "done when": a token enrolled with the real CLI against the real server logs in over TLS client
/// authentication with its key on the token (curl with Debian's libengine-pkcs11-openssl), and is refused once the
/// operator revokes the certificate. The PIN reaches the engine through a pin-source file readable only by this
/// user, never through a command line.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class TlsLoginFromTokenTests
{
    private const string UserPin = "q8w3e5r1";

    [Fact]
    public async Task The_enrolled_token_logs_in_over_TLS_client_authentication_until_revoked()
    {
        using ServerDatabase database = ServerDatabase.Create("sqlite");
        await using RealServer server = await RealServer.StartAsync(database, clientAuth: true);
        using var kagi = new KagiRunner();
        kagi.Environment["KAGI_SERVER"] = server.Url;
        kagi.Environment["KAGI_SERVER_CA"] = server.RootPemPath;
        kagi.Environment["KAGI_API_KEY"] = server.OperatorApiKey;
        Assert.Equal(0, kagi.Run(null, "admin", "user", "add", "--employee-id", "E7", "--name", "Shiro Kato", "--email", "shiro@example.jp").ExitCode);
        string serial = JsonDocument.Parse(kagi.Run(null, "admin", "token", "distribute").Stdout).RootElement.GetProperty("serial").GetString()!;
        Assert.Equal(0, kagi.Run(null, "admin", "token", "assign", serial, "--employee-id", "E7").ExitCode);
        Assert.Equal(0, kagi.Run(null, "admin", "token", "storage-pin", serial).ExitCode);
        string storagePin = Api.EnrollmentFlowTests.StoragePinFromMail(server.MailDirectory);
        kagi.Environment.Remove("KAGI_API_KEY");
        KagiRun enrolled = kagi.Run($"{storagePin}\n{UserPin}\n{UserPin}\n", "enroll", "--pins-stdin", "--yes", "--json");
        Assert.True(enrolled.ExitCode == 0, enrolled.All);
        string certificateSerial = JsonDocument.Parse(enrolled.Stdout).RootElement.GetProperty("serialNumber").GetString()!;

        string pinFile = Path.Combine(kagi.Hsm.Root, "user-pin");
        using (FileStream f = new(pinFile, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
            f.Write(System.Text.Encoding.ASCII.GetBytes(UserPin));
        }

        (int exit, string body, string status, string stderr) = Curl(kagi, server, serial, pinFile);
        Assert.True(exit == 0 && status == "200", $"curl {exit} {status}: {body} {stderr}");
        JsonElement me = JsonDocument.Parse(body).RootElement;
        Assert.Equal("Shiro Kato", me.GetProperty("commonName").GetString());
        Assert.Equal(certificateSerial, me.GetProperty("serialNumber").GetString());
        Assert.StartsWith("FC", me.GetProperty("certificateId").GetString(), StringComparison.Ordinal);

        kagi.Environment["KAGI_API_KEY"] = server.OperatorApiKey;
        KagiRun revoked = kagi.Run(null, "admin", "cert", "revoke", certificateSerial, "--reason", "keyCompromise");
        Assert.True(revoked.ExitCode == 0, revoked.All);

        (exit, body, status, stderr) = Curl(kagi, server, serial, pinFile);
        Assert.True(exit == 0 && status == "403", $"curl {exit} {status}: {body} {stderr}");
        Assert.Equal("client-certificate-revoked", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());

        // Without the token's certificate and key the handshake itself fails.
        (exit, _, status, _) = Curl(kagi, server, null, null);
        Assert.NotEqual(0, exit);
        Assert.Equal("000", status);
    }

    /// <summary>curl with the certificate and key on token <paramref name="tokenSerial"/> (none when null); returns exit code, body, HTTP status, stderr.</summary>
    private static (int Exit, string Body, string Status, string Stderr) Curl(KagiRunner kagi, RealServer server, string? tokenSerial, string? pinFile)
    {
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["SOFTHSM2_CONF"] = kagi.Hsm.ConfigPath;
        start.Environment["PKCS11_MODULE_PATH"] = SoftHsm.ModulePath;
        foreach (string a in new[] { "-sS", "--max-time", "30", "--cacert", server.RootPemPath, "-w", "\n%{http_code}" })
        {
            start.ArgumentList.Add(a);
        }

        if (tokenSerial is not null)
        {
            // The user's certificate and key carry the user's name as label (the distribution key and CA certificates do not).
            string token = $"pkcs11:serial={tokenSerial};object=Shiro%20Kato";
            foreach (string a in new[] { "--engine", "pkcs11", "--cert-type", "ENG", "--cert", token + ";type=cert",
                "--key-type", "ENG", "--key", $"{token};type=private;pin-source=file:{pinFile}" })
            {
                start.ArgumentList.Add(a);
            }
        }

        start.ArgumentList.Add(server.ClientAuthUrl + "/whoami");
        using Process p = Process.Start(start)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        int newline = stdout.LastIndexOf('\n');
        return (p.ExitCode, newline < 0 ? string.Empty : stdout[..newline], stdout[(newline + 1)..], stderr.Result);
    }
}
