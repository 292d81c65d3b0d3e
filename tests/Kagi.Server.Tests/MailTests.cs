using Kagi.Server.Mail;
using Kagi.Server.Options;
using Kagi.Server.Tests.Infrastructure;

namespace Kagi.Server.Tests;

public class MailTests
{
    [Theory]
    [InlineData("ja", "電子証明書格納用 PIN のお知らせ", "電子証明書格納用 PIN: Ab3dEf7h")]
    [InlineData("en", "Your storage PIN", "Storage PIN: Ab3dEf7h")]
    public async Task Storage_pin_mail_goes_over_real_smtp_in_both_languages(string language, string subject, string pinLine)
    {
        using var smtp = new SmtpSink();
        var sender = new SmtpMailSender(new MailOptions { SmtpHost = "127.0.0.1", SmtpPort = smtp.Port, From = "ca@example.jp" }, "unused");
        OutgoingMail mail = StoragePinMail.Create(language, "taro@example.jp", "Taro Yamada", "0123456789abcdef", "Ab3dEf7h",
            new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero), 5, "ca-operator@example.jp");
        await sender.SendAsync(mail, CancellationToken.None);

        string raw = Assert.Single(smtp.WaitForMessages(1));
        Assert.Contains("To: taro@example.jp", raw, StringComparison.Ordinal);
        Assert.True(MimeText.Subject(raw).Contains(subject, StringComparison.Ordinal), raw[..Math.Min(raw.Length, 700)]);
        string body = MimeText.Body(raw);
        Assert.Contains(pinLine, body, StringComparison.Ordinal);
        Assert.Contains("0123456789abcdef", body, StringComparison.Ordinal);
        Assert.Contains("2026-12-06 09:00 JST", body, StringComparison.Ordinal);
        Assert.Contains("ca-operator@example.jp", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_default_writes_eml_files()
    {
        string folder = Directory.CreateTempSubdirectory("kagi-pickup-").FullName;
        try
        {
            var sender = new SmtpMailSender(new MailOptions(), folder);
            await sender.SendAsync(new OutgoingMail("hanako@example.jp", "件名", "本文 Ab3dEf7h"), CancellationToken.None);
            string raw = File.ReadAllText(Assert.Single(Directory.GetFiles(folder, "*.eml")));
            Assert.Equal("件名", MimeText.Subject(raw));
            Assert.Contains("本文 Ab3dEf7h", MimeText.Body(raw), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
