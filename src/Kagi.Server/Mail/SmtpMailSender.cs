using System.Net.Mail;
using System.Text;
using Kagi.Server.Options;

namespace Kagi.Server.Mail;

/// <summary>
/// Sends mail over SMTP, or, when no SMTP host is configured (the development default), writes each mail as an
/// .eml file into the pickup folder. UTF-8 throughout, so Japanese text survives.
/// </summary>
public sealed class SmtpMailSender(MailOptions options, string pickupDirectory) : IMailSender
{
    /// <inheritdoc />
    public async Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        using var message = new MailMessage(options.From, mail.To)
        {
            Subject = mail.Subject,
            Body = mail.Body,
            SubjectEncoding = Encoding.UTF8,
            BodyEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            IsBodyHtml = false,

            // Quoted-printable keeps the ASCII parts (such as the PIN line) readable in the raw message.
            BodyTransferEncoding = System.Net.Mime.TransferEncoding.QuotedPrintable,
        };

        using var client = new SmtpClient();
        if (string.IsNullOrWhiteSpace(options.SmtpHost))
        {
            Directory.CreateDirectory(pickupDirectory);
            client.DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory;
            client.PickupDirectoryLocation = Path.GetFullPath(pickupDirectory);
        }
        else
        {
            client.Host = options.SmtpHost;
            client.Port = options.SmtpPort;
            client.EnableSsl = options.SmtpStartTls;
            client.DeliveryMethod = SmtpDeliveryMethod.Network;
        }

        await client.SendMailAsync(message, cancellationToken).ConfigureAwait(false);
    }
}
