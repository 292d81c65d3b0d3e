using System.Text;
using Kagi.Pkcs11;
using Kagi.Protocol;
using Kagi.Server.Tests.Infrastructure;

namespace Kagi.Server.Tests.Api;

/// <summary>
/// The client's PIN-carrying calls keep both PINs in <see cref="PinBuffer"/>s: the storage PIN is written into the
/// request JSON from its bytes (escaped by hand, so quotes, backslashes, control and non-ASCII characters still make
/// valid JSON the server reads as the same PIN), and the transport PIN of the answer is read into a buffer that is
/// zeroed when the answer is disposed.
/// </summary>
[Collection(ServerCollection.Name)]
public class PinBufferProtocolTests(TokenPool pool)
{
    [Fact]
    public async Task The_storage_pin_is_sent_from_its_bytes_and_the_transport_pin_comes_back_in_a_buffer()
    {
        using ServerDatabase database = ServerDatabase.Create("sqlite");
        using var server = new KagiServerFactory(database);
        EnrollmentScenario scenario = await EnrollmentScenario.PrepareAsync(server, pool, "PB1");
        var client = new KagiApiClient(server.CreateClient());
        await scenario.AuthenticateAsync(client);

        // A wrong PIN full of characters JSON has to escape: the server reads valid JSON and counts a wrong PIN
        // (a body it could not read would be a validation error).
        using (PinBuffer odd = PinBuffer.FromChars("\"q\\u0041\\\u0001\n\té漢"))
        {
            var wrong = await Assert.ThrowsAsync<ApiProblemException>(() => client.VerifyStoragePinAsync(odd));
            Assert.Equal("storage-pin-wrong", wrong.Code);
            Assert.Equal("4", wrong.Extensions["attemptsLeft"]);
            Assert.DoesNotContain("漢", wrong.Message, StringComparison.Ordinal);
        }

        PinVerifiedTicket verified;
        using (PinBuffer storagePin = PinBuffer.FromChars(EnrollmentFlowTests.StoragePinFromMail(server.MailDirectory)))
        {
            verified = await client.VerifyStoragePinAsync(storagePin);
        }

        using (verified)
        {
            Assert.Equal(scenario.TransportPin, Encoding.UTF8.GetString(verified.TransportPin.Bytes));
            Assert.Equal(verified.Ticket, client.Ticket);
            Assert.True(verified.ExpiresAt > DateTimeOffset.UtcNow);
        }

        Assert.Throws<ObjectDisposedException>(() => verified.TransportPin.Bytes.Length);
        Assert.Equal("PinBuffer(***)", verified.TransportPin.ToString());

        // The PIN-verified ticket works, and a fresh authentication resumes with the transport PIN in a buffer again.
        IssuedCertificateResponse issued = await client.RequestCertificateAsync(scenario.NewCsr());
        Assert.NotEmpty(issued.SerialNumber);
        var again = new KagiApiClient(server.CreateClient());
        await scenario.AuthenticateAsync(again);
        using PinVerifiedTicket resumed = await again.ResumeEnrollmentWithTransportPinAsync();
        Assert.Equal(scenario.TransportPin, Encoding.UTF8.GetString(resumed.TransportPin.Bytes));
        Assert.Equal(resumed.Ticket, again.Ticket);
    }

    [Fact]
    public async Task A_storage_pin_that_is_not_utf8_is_refused_before_anything_is_sent()
    {
        using ServerDatabase database = ServerDatabase.Create("sqlite");
        using var server = new KagiServerFactory(database);
        var client = new KagiApiClient(server.CreateClient());
        using PinBuffer invalid = PinBuffer.FromBytes([0x41, 0xC3]);
        await Assert.ThrowsAsync<ArgumentException>(() => client.VerifyStoragePinAsync(invalid));
    }
}
