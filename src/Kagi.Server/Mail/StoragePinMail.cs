using System.Globalization;
using Kagi.Server.Resources;

namespace Kagi.Server.Mail;

/// <summary>Builds the mail that delivers a storage PIN, in Japanese or English.</summary>
public static class StoragePinMail
{
    /// <summary>The mail for <paramref name="name"/> with <paramref name="storagePin"/> for token <paramref name="serial"/>.</summary>
    public static OutgoingMail Create(
        string language, string email, string name, string serial, ReadOnlySpan<char> storagePin, DateTimeOffset expiresAt, int maxAttempts, string operatorContact)
    {
        CultureInfo culture = language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? new CultureInfo("en") : new CultureInfo("ja-JP");
        string subject = MailTexts.ResourceManager.GetString(nameof(MailTexts.StoragePinSubject), culture)!;
        string body = string.Format(
            culture,
            MailTexts.ResourceManager.GetString(nameof(MailTexts.StoragePinBody), culture)!,
            name,
            serial,
            storagePin.ToString(),
            expiresAt.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd HH:mm 'JST'", CultureInfo.InvariantCulture),
            maxAttempts,
            operatorContact);
        return new OutgoingMail(email, subject, body.ReplaceLineEndings("\r\n"));
    }
}
