using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kagi.Tokens.Certificates;

/// <summary>Reads the details Kagi shows out of an X.509 certificate.</summary>
public static class CertificateDetails
{
    private const string SerialNumberOid = "2.5.4.5";
    private const string CommonNameOid = "2.5.4.3";

    /// <summary>The certificate ID: the subject's serialNumber attribute, else its CN, else an empty string.</summary>
    public static string CertificateId(X500DistinguishedName subject)
    {
        string? cn = null;
        foreach (X500RelativeDistinguishedName rdn in subject.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements)
            {
                continue;
            }

            string oid = rdn.GetSingleElementType().Value ?? string.Empty;
            if (oid == SerialNumberOid)
            {
                return rdn.GetSingleElementValue() ?? string.Empty;
            }

            if (oid == CommonNameOid)
            {
                cn ??= rdn.GetSingleElementValue();
            }
        }

        return cn ?? string.Empty;
    }

    /// <summary>The key algorithm ("RSA" or "EC"), size in bits and curve name of the certificate's public key.</summary>
    public static (string Algorithm, int Size, string? Curve) Key(X509Certificate2 certificate)
    {
        using RSA? rsa = certificate.GetRSAPublicKey();
        if (rsa is not null)
        {
            return ("RSA", rsa.KeySize, null);
        }

        using ECDsa? ec = certificate.GetECDsaPublicKey();
        if (ec is not null)
        {
            ECParameters parameters = ec.ExportParameters(false);
            string? curve = parameters.Curve.Oid.Value switch
            {
                "1.2.840.10045.3.1.7" => "P-256",
                "1.3.132.0.34" => "P-384",
                "1.3.132.0.35" => "P-521",
                _ => parameters.Curve.Oid.FriendlyName,
            };
            return ("EC", ec.KeySize, curve);
        }

        return (certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value ?? "unknown", 0, null);
    }

    /// <summary>Key usage bit names in RFC 5280 order.</summary>
    public static IReadOnlyList<string> KeyUsages(X509Certificate2 certificate)
    {
        X509KeyUsageExtension? ku = certificate.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault();
        if (ku is null)
        {
            return [];
        }

        (X509KeyUsageFlags Flag, string Name)[] names =
        [
            (X509KeyUsageFlags.DigitalSignature, "digitalSignature"),
            (X509KeyUsageFlags.NonRepudiation, "nonRepudiation"),
            (X509KeyUsageFlags.KeyEncipherment, "keyEncipherment"),
            (X509KeyUsageFlags.DataEncipherment, "dataEncipherment"),
            (X509KeyUsageFlags.KeyAgreement, "keyAgreement"),
            (X509KeyUsageFlags.KeyCertSign, "keyCertSign"),
            (X509KeyUsageFlags.CrlSign, "cRLSign"),
            (X509KeyUsageFlags.EncipherOnly, "encipherOnly"),
            (X509KeyUsageFlags.DecipherOnly, "decipherOnly"),
        ];
        return names.Where(n => ku.KeyUsages.HasFlag(n.Flag)).Select(n => n.Name).ToArray();
    }

    /// <summary>Extended key usages as "name (OID)" or the bare OID.</summary>
    public static IReadOnlyList<string> ExtendedKeyUsages(X509Certificate2 certificate)
    {
        X509EnhancedKeyUsageExtension? eku = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
        if (eku is null)
        {
            return [];
        }

        return eku.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value switch
        {
            "1.3.6.1.5.5.7.3.1" => "serverAuth",
            "1.3.6.1.5.5.7.3.2" => "clientAuth",
            "1.3.6.1.5.5.7.3.3" => "codeSigning",
            "1.3.6.1.5.5.7.3.4" => "emailProtection",
            "1.3.6.1.4.1.311.20.2.2" => "smartcardLogon",
            _ => o.Value ?? string.Empty,
        }).ToArray();
    }

    /// <summary>True when basic constraints mark the certificate as a CA.</summary>
    public static bool IsCa(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault()?.CertificateAuthority == true;

    /// <summary>The serial number as upper-case hex, big-endian, without leading zero bytes.</summary>
    public static string SerialHex(X509Certificate2 certificate)
    {
        byte[] serial = certificate.SerialNumberBytes.ToArray(); // big-endian
        int start = 0;
        while (start < serial.Length - 1 && serial[start] == 0)
        {
            start++;
        }

        return Convert.ToHexString(serial, start, serial.Length - start);
    }

    /// <summary>Checks that <paramref name="der"/> is one DER certificate and nothing else.</summary>
    public static bool IsSingleDerCertificate(byte[] der)
    {
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            reader.ReadEncodedValue();
            return !reader.HasData;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}
