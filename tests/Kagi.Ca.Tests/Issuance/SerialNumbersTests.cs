using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using Kagi.Ca.Authorities;
using Kagi.Ca.Issuance;
using Kagi.Ca.Keys;
using Kagi.Ca.Tests.Support;

namespace Kagi.Ca.Tests.Issuance;

public class SerialNumbersTests
{
    [Fact]
    public void Thousand_serials_are_unique_positive_and_at_least_64_bits()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var firstBytes = new HashSet<byte>();
        for (int i = 0; i < 1000; i++)
        {
            byte[] serial = SerialNumbers.New();
            Assert.Equal(SerialNumbers.Length, serial.Length);
            Assert.True(seen.Add(SerialNumbers.ToHex(serial)));
            var value = new BigInteger(serial, isUnsigned: false, isBigEndian: true);
            Assert.True(value.Sign > 0);
            Assert.True(value.GetBitLength() >= 64);
            Assert.InRange(serial[0], 0x40, 0x7F);
            Assert.True(SerialNumbers.IsValid(serial));
            firstBytes.Add(serial[0]);
        }

        // The first byte is random too (64 possible values), not a constant.
        Assert.True(firstBytes.Count > 32);
    }

    [Theory]
    [InlineData("01", true)]
    [InlineData("7F", true)]
    [InlineData("0080", true)]
    [InlineData("00", false)]
    [InlineData("0000", false)]
    [InlineData("80", false)]
    [InlineData("0001", false)]
    [InlineData("", false)]
    [InlineData("0102030405060708090A0B0C0D0E0F1011121314", true)]
    [InlineData("0102030405060708090A0B0C0D0E0F101112131415", false)]
    public void Serial_validity_follows_der_integer_rules(string hex, bool valid) =>
        Assert.Equal(valid, SerialNumbers.IsValid(Convert.FromHexString(hex)));

    [Fact]
    public void Issued_certificate_carries_the_serial_as_openssl_prints_it()
    {
        DateTimeOffset now = TestPki.Now;
        using CertificateAuthority root = TestPki.Root(CaKeyType.EcP256, now);
        using CertificateAuthority issuing = TestPki.Issuing(root, CaKeyType.EcP256, now);
        using X509Certificate2 leaf = TestPki.Leaf(issuing, now);

        using var dir = new TempDirectory();
        Assert.Equal($"serial={leaf.SerialNumber}\n", OpenSsl.Ok("x509", "-in", dir.Write("leaf.pem", leaf), "-noout", "-serial"));
        Assert.Equal(32, leaf.SerialNumber.Length);
    }
}
