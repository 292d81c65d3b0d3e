namespace Kagi.Server.Mail;

/// <summary>A mail to send. Bodies may hold secrets meant for the recipient (a storage PIN); they are never logged.</summary>
/// <param name="To">Recipient address.</param>
/// <param name="Subject">Subject line.</param>
/// <param name="Body">Plain-text body.</param>
public sealed record OutgoingMail(string To, string Subject, string Body);

/// <summary>Sends mail.</summary>
public interface IMailSender
{
    /// <summary>Sends <paramref name="mail"/>.</summary>
    /// <exception cref="System.Net.Mail.SmtpException">The SMTP server refused or could not be reached.</exception>
    Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken);
}
