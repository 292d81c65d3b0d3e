using System.Diagnostics;
using System.Security.Cryptography;
using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11.Tests;

/// <summary>10,000 sessions and 10,000 signatures must leave memory and file descriptors flat.</summary>
[Collection(SoftHsmCollection.Name)]
public class ResourceLeakTests(SoftHsmFixture hsm)
{
    private const long AllowedGrowthBytes = 24L * 1024 * 1024;

    [Fact]
    public void Ten_thousand_sessions_and_signatures_do_not_grow_memory()
    {
        using Session keySession = hsm.UserSession();
        var (pub, priv) = KeyTemplates.GenerateEc(keySession, KeyTemplates.P256, "leak-test", [0x4C]);
        byte[] hash = SHA256.HashData("leak"u8);
        byte[] signature = new byte[64];
        try
        {
            void Round(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    using Session s = hsm.Slot.OpenSession();
                    s.GetInfo();
                }

                for (int i = 0; i < count; i++)
                {
                    Assert.Equal(64, keySession.Sign(Mechanism.Ecdsa, priv, hash, signature));
                }
            }

            Round(1_000); // warm-up: JIT, pools, module caches
            (long memoryBefore, int fdsBefore) = Measure();
            Round(10_000);
            (long memoryAfter, int fdsAfter) = Measure();

            Assert.True(memoryAfter - memoryBefore < AllowedGrowthBytes, $"private memory grew by {(memoryAfter - memoryBefore) / 1024} KiB");
            Assert.InRange(fdsAfter - fdsBefore, -4, 4);
            using ECDsa verifier = KeyTemplates.EcPublicKey(keySession, pub, ECCurve.NamedCurves.nistP256);
            Assert.True(verifier.VerifyHash(hash, signature));
        }
        finally
        {
            keySession.DestroyObject(priv);
            keySession.DestroyObject(pub);
        }
    }

    private static (long Memory, int FileDescriptors) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        int fds = Directory.Exists("/proc/self/fd") ? Directory.GetFiles("/proc/self/fd").Length : 0;
        return (process.PrivateMemorySize64, fds);
    }
}
