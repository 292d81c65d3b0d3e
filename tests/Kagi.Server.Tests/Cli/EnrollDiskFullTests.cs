using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kagi.Enrollment;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Kagi.Server.Security;
using Kagi.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// The token's file system fills up while <c>kagi enroll</c> writes the certificate, for real: the SoftHSM2 token
/// directory is a small tmpfs, filled completely while the CLI waits after the certificate was issued (test hook).
/// SoftHSM2 2.6 answers CKR_OK to C_CreateObject and C_SetPIN, so the run reports the certificate stored and the server
/// marks the assignment active; after a reload the token has the key pair but none of the certificates (their object
/// files stayed empty), while the PIN change did persist (token.object is rewritten in place at the same size): the
/// new PIN opens the token and the transport PIN no longer does. With space freed, the rerun sees "already stored",
/// finds the order's key pair without its certificate and restores the very certificate the server issued.
/// </summary>
[Collection(StoppingServers.Name)]
public class EnrollDiskFullTests
{
    [TmpfsFact]
    public async Task Certificate_lost_on_a_full_disk_is_restored_by_the_rerun()
    {
        await using CliEnrollee enrollee = await CliEnrollee.PrepareAsync();
        using TmpfsDirectory disk = TmpfsDirectory.Mount(enrollee.Kagi.Hsm.TokenDirectory, "1m");

        // First run: waits after the certificate was issued; the disk fills up; the run goes on and "succeeds".
        string pauseFile = Path.Combine(enrollee.Kagi.Hsm.Root, "paused");
        Task<KagiRun> running = Task.Run(() => enrollee.Enroll(new Dictionary<string, string>
        {
            ["KAGI_TEST_PAUSE_AT"] = EnrollmentTestHook.AfterIssue,
            ["KAGI_TEST_PAUSE_FILE"] = pauseFile,
        }));
        await EnrollInterruptionTests.WaitForFileAsync(pauseFile, running);
        Assert.True(disk.Fill() > 0);
        Assert.Equal(0, disk.FreeBytes);
        File.Delete(pauseFile);
        KagiRun first = await running;
        Assert.True(first.ExitCode == 0, first.All);
        JsonElement stored = JsonDocument.Parse(first.Stdout).RootElement;
        Assert.Equal("stored", stored.GetProperty("result").GetString());
        string serialNumber = stored.GetProperty("serialNumber").GetString()!;
        var (certificateId, transportPin) = await OrderAsync(enrollee, OrderState.Stored);

        // After a reload the token has the order's key pair but no certificate at all; the new PIN opens it (reading it
        // at all logs in with it), the transport PIN does not.
        string keyId = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(certificateId))[..8]).ToLowerInvariant();
        TokenContents lost = enrollee.Token();
        Assert.Contains(lost.PrivateKeys, k => k.Id == keyId);
        Assert.Contains(lost.PublicKeys, k => k.Id == keyId);
        Assert.Empty(lost.Certificates);
        Assert.Throws<InvalidOperationException>(() => TokenContents.Read(
            enrollee.Kagi.Module, "Kagi", new Dictionary<string, string> { ["SOFTHSM2_CONF"] = enrollee.Kagi.Hsm.ConfigPath }, transportPin));

        // The user frees space. A rerun with a PIN the token refuses (here: the transport PIN, the only other PIN the
        // token ever had) writes nothing.
        disk.Free();
        KagiRun wrongPin = enrollee.Enroll(newPin: transportPin);
        Assert.True(wrongPin.ExitCode == 6, wrongPin.All);
        Assert.Equal("user-pin-rejected", JsonDocument.Parse(wrongPin.Stdout).RootElement.GetProperty("code").GetString());
        Assert.Empty(enrollee.Token().Certificates);

        // The rerun with the same input as the first run (storage PIN, then the PIN it set) restores the certificate.
        KagiRun rerun = enrollee.Enroll();
        Assert.True(rerun.ExitCode == 0, rerun.All);
        JsonElement restored = JsonDocument.Parse(rerun.Stdout).RootElement;
        Assert.Equal("restored", restored.GetProperty("result").GetString());
        Assert.Equal(serialNumber, restored.GetProperty("serialNumber").GetString());
        Assert.Equal(enrollee.Serial, restored.GetProperty("tokenSerial").GetString());

        // The same certificate (one for the order on the server, same serial) over the token's key, chained to the
        // CA, on a token the new PIN opens; the restore is in the audit log; a third run has nothing more to do.
        await enrollee.AssertCompletedAsync(serialNumber);
        Assert.Contains(certificateId, await AuditDetailsAsync(enrollee, AuditActions.CertificateRestored), StringComparison.Ordinal);
        KagiRun third = enrollee.Enroll();
        Assert.True(third.ExitCode == 11, third.All);
        Assert.Equal("certificate-already-stored", JsonDocument.Parse(third.Stdout).RootElement.GetProperty("code").GetString());
    }

    /// <summary>The token's order (asserted in <paramref name="state"/>) and the transport PIN the server holds for the token.</summary>
    private static async Task<(string CertificateId, string TransportPin)> OrderAsync(CliEnrollee enrollee, OrderState state)
    {
        using IServiceScope scope = enrollee.Server.Services.CreateScope();
        KagiDbContext db = scope.ServiceProvider.GetRequiredService<KagiDbContext>();
        Token token = await db.Tokens.SingleAsync(t => t.Serial == enrollee.Serial);
        long[] assignments = await db.Assignments.Where(a => a.TokenId == token.Id).Select(a => a.Id).ToArrayAsync();
        EnrollmentOrder order = Assert.Single(await db.EnrollmentOrders.Where(o => assignments.Contains(o.AssignmentId)).ToListAsync());
        Assert.Equal(state, order.State);
        string transport = Encoding.UTF8.GetString(scope.ServiceProvider.GetRequiredService<SecretProtector>()
            .Unprotect(token.EncryptedTransportPin!, SecretPurposes.TransportPin));
        return (order.CertificateId, transport);
    }

    private static async Task<string> AuditDetailsAsync(CliEnrollee enrollee, string action)
    {
        using IServiceScope scope = enrollee.Server.Services.CreateScope();
        KagiDbContext db = scope.ServiceProvider.GetRequiredService<KagiDbContext>();
        return string.Join('\n', await db.AuditEntries.Where(e => e.Action == action).Select(e => e.Details).ToListAsync());
    }
}
