using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kagi.Cli.Infrastructure;
using Kagi.Cli.Resources;
using Kagi.Tokens.Certificates;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Tokens;

namespace Kagi.Cli.Commands;

/// <summary>
/// <c>kagi demo setup</c> (hidden): puts a demo key and certificate on a token, for the README's quick start.
/// The key pair is generated on the token, a CSR is signed on the token, and a throw-away demo CA in memory
/// certifies it; the CA certificate and the user certificate are written to the token. The CA/RA server
/// replaces this with real enrollment.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        Option<bool> pinStdin = GlobalOptions.PinStdin();
        Option<string> name = new("--name") { Description = Messages.OptName, DefaultValueFactory = _ => "Taro Yamada" };
        var setup = new Command("setup", Messages.CmdDemoSetup) { pinStdin, name };
        setup.SetAction(parse => Cli.Run(parse, ctx =>
        {
            AttachedToken token = ctx.SelectToken();
            using TokenSession session = TokenSession.Open(token, readWrite: true);
            (_, int? exit) = PinFlow.Login(session, new PinReader(parse.GetValue(pinStdin)));
            if (exit is not null)
            {
                return exit.Value;
            }

            byte[] id = RandomNumberGenerator.GetBytes(8);
            TokenKeyPair key = TokenKeyGenerator.Generate(session.Session, KeySpec.EcP256, "Kagi Demo", id);

            using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=Kagi Demo CA, O=Kagi Demo, C=JP", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
            DateTimeOffset now = DateTimeOffset.UtcNow;
            using X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(5));

            var subject = new X500DistinguishedNameBuilder();
            subject.AddCountryOrRegion("JP");
            subject.AddOrganizationName("Kagi Demo");
            subject.AddCommonName(parse.GetValue(name)!);
            subject.Add("2.5.4.5", "FC" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5)), System.Formats.Asn1.UniversalTagNumber.PrintableString);

            // The CSR is signed by the private key on the token, through X509SignatureGenerator.
            using AsymmetricAlgorithm signer = key.CreateSigner();
            byte[] csr = new CertificateRequest(subject.Build(), (ECDsa)signer, HashAlgorithmName.SHA256).CreateSigningRequest();
            CertificateRequest verified = CertificateRequest.LoadSigningRequest(csr, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
            verified.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            verified.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            verified.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
            verified.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(verified.PublicKey, false));
            verified.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
            using X509Certificate2 user = verified.Create(ca, now.AddMinutes(-5), now.AddYears(1), RandomNumberGenerator.GetBytes(16).Select((b, i) => i == 0 ? (byte)(b & 0x7F | 0x01) : b).ToArray());

            CertificateWriter.Write(session.Session, ca, "Kagi Demo CA", [], authority: true);
            CertificateWriter.Write(session.Session, user, "Kagi Demo", id, authority: false);
            Output.Line(ErrorReporter.Format(Messages.DemoStored, user.Subject, token.Info.Serial));
            return ExitCodes.Ok;
        }));
        return new Command("demo", Messages.CmdDemo) { Hidden = true, Subcommands = { setup } };
    }
}
