using System.Text.Json;
using Kagi.Enrollment;
using Kagi.Protocol;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Kagi.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// A stored order the CA operator reopened (<c>kagi admin cert reopen</c>) and gave a new storage PIN for is completed
/// by the next <c>kagi enroll</c>: a new key pair (its CKA_ID derived from the order and its generation, so the old key
/// is not reused, which the server would refuse), a new certificate over it, written to the token, and only then the
/// superseded key pair and certificate removed from the token; the server revokes the replaced certificate as
/// superseded once the new one is reported stored. The user keeps the PIN they set (it is asked as the current PIN,
/// here the new-PIN line). A reissue run killed at any point is completed by the next run, with no second new
/// certificate and no key left over.
/// </summary>
[Collection(StoppingServers.Name)]
public class EnrollReissueTests
{
    private const int Sigkill = 137;

    [Fact]
    public async Task An_order_the_operator_reopened_is_stored_again_with_a_new_key_pair_and_the_old_one_removed()
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync("Hanako Abe");
        var (oldSerial, oldKeyId) = await StoreAndReopenAsync(enrollee);

        KagiRun reissue = enrollee.Enroll();
        Assert.True(reissue.ExitCode == 0, reissue.All);
        JsonElement result = JsonDocument.Parse(reissue.Stdout).RootElement;
        Assert.Equal("stored", result.GetProperty("result").GetString());
        Assert.False(result.GetProperty("resumed").GetBoolean());
        Assert.DoesNotContain(CliEnrollee.NewPin, reissue.All, StringComparison.Ordinal);
        Assert.DoesNotContain(enrollee.StoragePin, reissue.All, StringComparison.Ordinal);

        await AssertReissuedAsync(enrollee, oldSerial, oldKeyId, result.GetProperty("serialNumber").GetString()!);

        // Completed: a further run is told so and changes nothing.
        KagiRun again = enrollee.Enroll();
        Assert.Equal(11, again.ExitCode);
        Assert.Equal("certificate-already-stored", JsonDocument.Parse(again.Stdout).RootElement.GetProperty("code").GetString());

        // The restore finds the new generation's key pair: the token loses the new certificate, the next run writes
        // the same one back.
        string newKeyId = Assert.Single(enrollee.Token().Certificates, c => c.Id.Length > 0).Id;
        enrollee.Token().DeleteCertificate(newKeyId);
        KagiRun restored = enrollee.Enroll();
        Assert.True(restored.ExitCode == 0, restored.All);
        JsonElement restoredResult = JsonDocument.Parse(restored.Stdout).RootElement;
        Assert.Equal("restored", restoredResult.GetProperty("result").GetString());
        Assert.Equal(result.GetProperty("serialNumber").GetString(), restoredResult.GetProperty("serialNumber").GetString());
        await AssertReissuedAsync(enrollee, oldSerial, oldKeyId, result.GetProperty("serialNumber").GetString()!);
    }

    [Theory]
    [InlineData(EnrollmentTestHook.AfterKeyGeneration, true)]
    [InlineData(EnrollmentTestHook.AfterIssue, true)]
    [InlineData(EnrollmentTestHook.AfterWrite, true)]
    [InlineData(EnrollmentTestHook.AfterSupersededRemoved, false)]
    public async Task A_reissue_run_killed_at_any_step_is_completed_by_the_next_run(string point, bool oldStillOnToken)
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync("Jiro Ueda");
        var (oldSerial, oldKeyId) = await StoreAndReopenAsync(enrollee);

        KagiRun killed = enrollee.Enroll(new Dictionary<string, string> { ["KAGI_TEST_KILL_AT"] = point });
        Assert.True(killed.ExitCode == Sigkill, $"expected SIGKILL at {point}: {killed.ExitCode} {killed.All}");

        // Until the new certificate is on the token, the old one stays there; until the server hears "stored", it is
        // not revoked.
        Assert.Equal(oldStillOnToken, enrollee.Token().Certificates.Any(c => c.Id == oldKeyId));
        Assert.Null(await RevokedAtAsync(enrollee, oldSerial));

        KagiRun rerun = enrollee.Enroll();
        Assert.True(rerun.ExitCode == 0, rerun.All);
        JsonElement result = JsonDocument.Parse(rerun.Stdout).RootElement;
        Assert.Equal("stored", result.GetProperty("result").GetString());
        Assert.True(result.GetProperty("resumed").GetBoolean());
        await AssertReissuedAsync(enrollee, oldSerial, oldKeyId, result.GetProperty("serialNumber").GetString()!);
    }

    /// <summary>First enrollment, then the operator reopens the order and re-issues the storage PIN.</summary>
    private static async Task<(string Serial, string KeyId)> StoreAndReopenAsync(CliEnrollee enrollee)
    {
        KagiRun first = enrollee.Enroll();
        Assert.True(first.ExitCode == 0, first.All);
        string serial = JsonDocument.Parse(first.Stdout).RootElement.GetProperty("serialNumber").GetString()!;
        string keyId = Assert.Single(enrollee.Token().Certificates, c => c.Id.Length > 0).Id;

        KagiRun reopened = enrollee.Admin("admin", "cert", "reopen", await enrollee.CertificateIdAsync());
        Assert.True(reopened.ExitCode == 0, reopened.All);
        enrollee.IssueStoragePin();
        return (serial, keyId);
    }

    /// <summary>
    /// The order is stored with <paramref name="newSerial"/> (listed by the operator API), which differs from the replaced
    /// <paramref name="oldSerial"/>; the order has exactly these two certificates, the old one revoked as superseded; the
    /// token holds one user key pair (not the old CKA_ID) with the new certificate, chained, and the user's PIN opens it.
    /// </summary>
    private static async Task AssertReissuedAsync(CliEnrollee enrollee, string oldSerial, string oldKeyId, string newSerial)
    {
        Assert.NotEqual(oldSerial, newSerial, StringComparer.OrdinalIgnoreCase);
        using (IServiceScope scope = enrollee.Server.Services.CreateScope())
        {
            KagiDbContext db = scope.ServiceProvider.GetRequiredService<KagiDbContext>();
            long tokenId = (await db.Tokens.SingleAsync(t => t.Serial == enrollee.Serial)).Id;
            long assignment = (await db.Assignments.SingleAsync(a => a.TokenId == tokenId)).Id;
            EnrollmentOrder order = await db.EnrollmentOrders.SingleAsync(o => o.AssignmentId == assignment);
            Assert.Equal(OrderState.Stored, order.State);
            Assert.Equal(newSerial, order.CertificateSerial, ignoreCase: true);
            List<IssuedCertificate> issued = await db.IssuedCertificates.Where(c => c.OrderId == order.Id).ToListAsync();
            Assert.Equal(2, issued.Count);
            IssuedCertificate old = Assert.Single(issued, c => string.Equals(c.Serial, oldSerial, StringComparison.OrdinalIgnoreCase));
            Assert.NotNull(old.RevokedAt);
            Assert.Equal(RevocationReason.Superseded, old.RevocationReason);
            Assert.Null(Assert.Single(issued, c => string.Equals(c.Serial, newSerial, StringComparison.OrdinalIgnoreCase)).RevokedAt);
        }

        KagiApiClient admin = enrollee.Server.CreateAdminClient();
        Assert.Equal(newSerial, (await admin.ListAssignmentsAsync()).Single(a => a.Serial == enrollee.Serial).CertificateSerial, ignoreCase: true);

        TokenContents token = enrollee.Token();
        System.Security.Cryptography.X509Certificates.X509Certificate2 user = token.AssertOneKeyPairCertifiedAndChained(enrollee.Server.RootPemPath);
        Assert.Equal(newSerial, user.SerialNumber, ignoreCase: true);
        Assert.DoesNotContain(token.Objects, o => o.Id == oldKeyId);
    }

    private static async Task<DateTimeOffset?> RevokedAtAsync(CliEnrollee enrollee, string serial)
    {
        using IServiceScope scope = enrollee.Server.Services.CreateScope();
        KagiDbContext db = scope.ServiceProvider.GetRequiredService<KagiDbContext>();
        string upper = serial.ToUpperInvariant();
        return (await db.IssuedCertificates.SingleAsync(c => c.Serial == upper)).RevokedAt;
    }
}
