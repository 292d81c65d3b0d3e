using System.Security.Cryptography;
using Kagi.Server.Enrollment;
using Kagi.Server.Security;

namespace Kagi.Server.Tests;

public class SecurityPrimitiveTests
{
    private static readonly SecretProtector Protector = new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void Secrets_round_trip_only_for_their_purpose_and_detect_tampering()
    {
        byte[] sealedPin = Protector.Protect("87654321"u8, "so-pin");
        Assert.Equal("87654321"u8.ToArray(), Protector.Unprotect(sealedPin, "so-pin"));
        Assert.ThrowsAny<CryptographicException>(() => Protector.Unprotect(sealedPin, "transport-pin"));
        sealedPin[20] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => Protector.Unprotect(sealedPin, "so-pin"));
        Assert.ThrowsAny<CryptographicException>(() => new SecretProtector(RandomNumberGenerator.GetBytes(32)).Unprotect(Protector.Protect("x"u8, "p"), "p"));
    }

    [Fact]
    public void Tickets_are_signed_and_expire()
    {
        var now = DateTimeOffset.UtcNow;
        var ticket = new EnrollmentTicket("0123abcd", 42, PinVerified: true, now.AddMinutes(10).ToUnixTimeSeconds());
        string text = ticket.Encode(Protector.TicketKey);
        Assert.Equal(ticket, EnrollmentTicket.Decode(text, Protector.TicketKey, now));
        Assert.Null(EnrollmentTicket.Decode(text, Protector.TicketKey, now.AddMinutes(11)));
        Assert.Null(EnrollmentTicket.Decode(text, RandomNumberGenerator.GetBytes(32), now));

        // Changing the payload (e.g. to claim a verified PIN for another assignment) breaks the signature.
        string forged = new EnrollmentTicket("0123abcd", 43, true, ticket.ExpiresAt).Encode(RandomNumberGenerator.GetBytes(32));
        Assert.Null(EnrollmentTicket.Decode(forged.Split('.')[0] + "." + text.Split('.')[1], Protector.TicketKey, now));
        Assert.Null(EnrollmentTicket.Decode("garbage", Protector.TicketKey, now));
        Assert.Null(EnrollmentTicket.Decode("a.b.c", Protector.TicketKey, now));
    }

    [Fact]
    public void Secret_key_is_created_once_with_owner_only_permissions()
    {
        string dir = Directory.CreateTempSubdirectory("kagi-secret-").FullName;
        try
        {
            byte[] first = SecretProtector.LoadOrCreateSecret(null, dir);
            Assert.Equal(first, SecretProtector.LoadOrCreateSecret(null, dir));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "secret.key")));
            }

            Assert.Throws<InvalidOperationException>(() => SecretProtector.LoadOrCreateSecret("c2hvcnQ=", dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
