using System.Security.Cryptography.X509Certificates;

namespace Kagi.Ca.Formats;

/// <summary>Certificate validity as UTC <see cref="DateTimeOffset"/> values (X509Certificate2 answers in local time).</summary>
internal static class CertificateTimes
{
    public static DateTimeOffset NotBefore(X509Certificate2 certificate) => new(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);

    public static DateTimeOffset NotAfter(X509Certificate2 certificate) => new(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);

    /// <summary><paramref name="time"/> in UTC without its fraction of a second, as a certificate or CRL encodes it.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time)
    {
        DateTimeOffset utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    /// <summary>True when <paramref name="now"/> is within the certificate's validity (both ends inclusive).</summary>
    public static bool IsValidAt(X509Certificate2 certificate, DateTimeOffset now) => now >= NotBefore(certificate) && now <= NotAfter(certificate);
}
