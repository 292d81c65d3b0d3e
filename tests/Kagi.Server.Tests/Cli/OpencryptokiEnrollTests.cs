using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Kagi.Enrollment;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;
using Kagi.Protocol;
using Kagi.Server.Tests.Api;
using Kagi.Server.Tests.Infrastructure;
using Kagi.Testing;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Provisioning;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// Certificate storage on opencryptoki's soft token (RSA only, PINs of 4–8 characters, locks after three wrong PINs):
/// RSA-2048 distribution key, RSA-2048 user key generated on the token, the real CLI against the real server, one
/// interruption on the way. The token is shared with the lockout tests (machine-wide lock) and is put back in its
/// documented state afterwards (scripts/opencryptoki.env: user PIN reset by the SO, the objects of this test removed).
/// </summary>
[Collection("opencryptoki token")]
public class OpencryptokiEnrollTests
{
    private const string NewPin = "k7d4m2x9";

    [Fact]
    public async Task Enroll_stores_an_rsa_certificate_on_opencryptoki_that_matches_the_token_key_and_chains_to_the_root()
    {
        using OpencryptokiLock exclusive = OpencryptokiLock.Acquire();
        Dictionary<string, string> ock = ReadEnvironment();
        using ServerDatabase database = ServerDatabase.Create("sqlite");
        await using RealServer server = await RealServer.StartAsync(database);
        using var kagi = new KagiRunner { Module = ock["OCK_MODULE"] };
        kagi.Environment["KAGI_SERVER"] = server.Url;
        kagi.Environment["KAGI_SERVER_CA"] = server.RootPemPath;
        kagi.Environment["KAGI_API_KEY"] = server.OperatorApiKey;
        HashSet<string> before = ObjectsOnToken(ock, userPin: ock["OCK_USER_PIN"], destroyNew: null);
        try
        {
            Assert.Equal(0, kagi.Run(null, "admin", "user", "add", "--employee-id", "E31", "--name", "Goro Kimura", "--email", "goro@example.jp").ExitCode);
            string serial = await DistributeAsync(ock, server);
            Assert.Equal(0, kagi.Run(null, "admin", "token", "assign", serial, "--employee-id", "E31").ExitCode);
            Assert.Equal(0, kagi.Run(null, "admin", "token", "storage-pin", serial).ExitCode);
            string storagePin = EnrollmentFlowTests.StoragePinFromMail(server.MailDirectory);
            kagi.Environment.Remove("KAGI_API_KEY");
            string stdin = $"{storagePin}\n{NewPin}\n";
            string[] enroll = ["--token", serial, "enroll", "--storage-pin-stdin", "--new-pin-stdin", "--yes", "--json", "--lang", "en"];

            // Interrupted right after the RSA key pair was generated; the rerun finds that key and completes.
            kagi.Environment["KAGI_TEST_KILL_AT"] = EnrollmentTestHook.AfterKeyGeneration;
            Assert.Equal(137, kagi.Run(stdin, TimeSpan.FromSeconds(180), enroll).ExitCode);
            kagi.Environment.Remove("KAGI_TEST_KILL_AT");
            KagiRun run = kagi.Run(stdin, TimeSpan.FromSeconds(180), enroll);
            Assert.True(run.ExitCode == 0, run.All);
            JsonElement result = JsonDocument.Parse(run.Stdout).RootElement;
            Assert.True(result.GetProperty("resumed").GetBoolean());
            Assert.DoesNotContain(storagePin, run.All, StringComparison.Ordinal);

            // From outside (pkcs11-tool, logged in with the new PIN): one user key pair (+ the distribution key),
            // RSA-2048, certified by the certificate on the token, which chains to the server's root.
            TokenContents token = TokenContents.Read(ock["OCK_MODULE"], ock["OCK_TOKEN_LABEL"], new Dictionary<string, string>(), NewPin);
            X509Certificate2 user = token.AssertOneKeyPairCertifiedAndChained(server.RootPemPath);
            Assert.Equal(result.GetProperty("serialNumber").GetString(), user.SerialNumber, ignoreCase: true);
            using RSA? rsa = user.GetRSAPublicKey();
            Assert.NotNull(rsa);
            Assert.Equal(2048, rsa.KeySize);
            Assert.Contains("CN=Goro Kimura", user.Subject, StringComparison.Ordinal);
        }
        finally
        {
            Restore(ock, before);
        }

        // The documented state again: the known user PIN opens the token, nothing of this test is left.
        Assert.Equal(before.Count, ObjectsOnToken(ock, ock["OCK_USER_PIN"], destroyNew: null).Count);
    }

    // Distribution as the operator does it, minus C_InitToken: opencryptoki 3.8 leaves the SO unable to log in after
    // C_InitToken on an initialized token with a non-default SO PIN (see scripts/opencryptoki-setup.sh), so the test
    // keeps the token and its SO PIN and sets a random transport user PIN and the RSA distribution key itself.
    private static async Task<string> DistributeAsync(Dictionary<string, string> ock, RealServer server)
    {
        using Pkcs11Module module = Pkcs11Module.Load(ock["OCK_MODULE"]);
        Slot slot = TokenSlot(module, ock);
        using PinBuffer transport = TokenDistributor.RandomPin(8);
        using (Session so = slot.OpenSession(readWrite: true))
        {
            so.Login(CKU.CKU_SO, Encoding.UTF8.GetBytes(ock["OCK_SO_PIN"]));
            so.InitPin(transport.Bytes);
            so.Logout();
        }

        byte[] publicKey;
        using (Session user = slot.OpenSession(readWrite: true))
        {
            user.Login(CKU.CKU_USER, transport.Bytes);
            publicKey = DistributionKey.Generate(user, KeySpec.Rsa2048);
            user.Logout();
        }

        CkTokenInfo info = slot.GetTokenInfo();
        KagiApiClient admin = server.CreateAdminClient();
        await admin.RegisterDistributionAsync(info.SerialNumber.Trim(), new DistributionRequest(info.ManufacturerId.Trim(), info.Model.Trim(),
            Convert.ToBase64String(publicKey), ock["OCK_SO_PIN"], Encoding.UTF8.GetString(transport.Bytes)));
        return info.SerialNumber.Trim();
    }

    private static void Restore(Dictionary<string, string> ock, HashSet<string> before)
    {
        using (Pkcs11Module module = Pkcs11Module.Load(ock["OCK_MODULE"]))
        using (Session so = TokenSlot(module, ock).OpenSession(readWrite: true))
        {
            so.Login(CKU.CKU_SO, Encoding.UTF8.GetBytes(ock["OCK_SO_PIN"]));
            so.InitPin(Encoding.UTF8.GetBytes(ock["OCK_USER_PIN"]));
            so.Logout();
        }

        ObjectsOnToken(ock, ock["OCK_USER_PIN"], destroyNew: before);
    }

    /// <summary>The objects (class/id/label) on the token; with <paramref name="destroyNew"/>, destroys every object not in it.</summary>
    private static HashSet<string> ObjectsOnToken(Dictionary<string, string> ock, string userPin, HashSet<string>? destroyNew)
    {
        using Pkcs11Module module = Pkcs11Module.Load(ock["OCK_MODULE"]);
        using Session session = TokenSlot(module, ock).OpenSession(readWrite: true);
        session.Login(CKU.CKU_USER, Encoding.UTF8.GetBytes(userPin));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (ulong handle in session.FindObjects().ToArray())
        {
            string name = $"{session.GetAttribute(handle, CKA.CKA_CLASS).AsULong()}/{Hex(session.GetAttribute(handle, CKA.CKA_ID))}/{Hex(session.GetAttribute(handle, CKA.CKA_LABEL))}";
            if (destroyNew is not null && !destroyNew.Contains(name))
            {
                session.DestroyObject(handle);
            }
            else
            {
                names.Add(name);
            }
        }

        session.Logout();
        return names;
    }

    private static string Hex(AttributeValue value) => value.IsAvailable ? Convert.ToHexString(value.AsBytes()) : "-";

    private static Slot TokenSlot(Pkcs11Module module, Dictionary<string, string> ock) =>
        module.GetSlots(tokenPresent: true).Single(s => s.GetTokenInfo().Label.Trim() == ock["OCK_TOKEN_LABEL"]);

    private static Dictionary<string, string> ReadEnvironment()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "scripts", "opencryptoki.env")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        Assert.True(dir is not null, "scripts/opencryptoki.env not found: run scripts/setup-system.sh");
        return File.ReadAllLines(Path.Combine(dir!, "scripts", "opencryptoki.env"))
            .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
    }
}
