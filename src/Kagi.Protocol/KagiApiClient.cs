using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Kagi.Protocol;

/// <summary>
/// Typed access to the Kagi server's enrollment and operator APIs over an <see cref="HttpClient"/> whose
/// BaseAddress is the server origin. Every error response becomes an <see cref="ApiProblemException"/>.
/// </summary>
public sealed class KagiApiClient(HttpClient http)
{
    /// <summary>JSON options matching the server (camelCase, case-insensitive reads).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The API key for operator calls ("Authorization: ApiKey …"), if any.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The enrollment ticket for enrollment calls after token authentication ("Authorization: Bearer …").</summary>
    public string? Ticket { get; set; }

    // Enrollment

    /// <summary>POST /api/v1/enrollment/nonce.</summary>
    public Task<NonceResponse> GetNonceAsync(string serial, CancellationToken ct = default) =>
        SendAsync<NonceResponse>(HttpMethod.Post, "api/v1/enrollment/nonce", new NonceRequest(serial), Auth.None, ct);

    /// <summary>POST /api/v1/enrollment/authenticate; keeps the returned ticket.</summary>
    public async Task<TicketResponse> AuthenticateTokenAsync(TokenAuthenticationRequest request, CancellationToken ct = default)
    {
        TicketResponse response = await SendAsync<TicketResponse>(HttpMethod.Post, "api/v1/enrollment/authenticate", request, Auth.None, ct).ConfigureAwait(false);
        Ticket = response.Ticket;
        return response;
    }

    /// <summary>GET /api/v1/enrollment/user.</summary>
    public Task<AssignedUserResponse> GetAssignedUserAsync(CancellationToken ct = default) =>
        SendAsync<AssignedUserResponse>(HttpMethod.Get, "api/v1/enrollment/user", null, Auth.Ticket, ct);

    /// <summary>
    /// POST /api/v1/enrollment/storage-pin; keeps the upgraded ticket. Both PINs are strings here (the storage PIN in
    /// the request, the transport PIN in the answer); front ends use
    /// <see cref="VerifyStoragePinAsync(Kagi.Pkcs11.PinBuffer, CancellationToken)"/>, which keeps them in zeroed buffers.
    /// </summary>
    public async Task<StoragePinResponse> VerifyStoragePinAsync(string storagePin, CancellationToken ct = default)
    {
        StoragePinResponse response = await SendAsync<StoragePinResponse>(HttpMethod.Post, "api/v1/enrollment/storage-pin", new StoragePinRequest(storagePin), Auth.Ticket, ct).ConfigureAwait(false);
        Ticket = response.Ticket;
        return response;
    }

    /// <summary>
    /// POST /api/v1/enrollment/storage-pin with the storage PIN written into the request body from its bytes, and the
    /// transport PIN of the answer read into a <see cref="Kagi.Pkcs11.PinBuffer"/>: neither PIN becomes a string, and
    /// every temporary copy this client makes is zeroed. (The bytes still pass through buffers of the HTTP and TLS
    /// stack, which this client does not own.) Keeps the upgraded ticket.
    /// </summary>
    /// <param name="storagePin">The storage PIN (UTF-8); the caller keeps and disposes it.</param>
    /// <param name="ct">Cancels the request.</param>
    /// <returns>The ticket and the transport PIN; the caller disposes it (zeroing the PIN).</returns>
    /// <exception cref="ApiProblemException">storage-pin-wrong (with attemptsLeft), storage-pin-locked and the other refusals.</exception>
    /// <exception cref="ArgumentException">The PIN is longer than 256 bytes or not valid UTF-8.</exception>
    /// <exception cref="InvalidDataException">The server's answer is not a storage PIN answer.</exception>
    public async Task<PinVerifiedTicket> VerifyStoragePinAsync(Kagi.Pkcs11.PinBuffer storagePin, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(storagePin);
        using Kagi.Pkcs11.PinBuffer body = SecretJson.StoragePinRequest(storagePin);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/enrollment/storage-pin") { Content = new ReadOnlyMemoryContent(body.Memory) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        PinVerifiedTicket response = await SendForTransportPinAsync(request, ct).ConfigureAwait(false);
        Ticket = response.Ticket;
        return response;
    }

    /// <summary>
    /// As <see cref="ResumeEnrollmentAsync"/>, with the transport PIN of the answer read into a
    /// <see cref="Kagi.Pkcs11.PinBuffer"/> (never a string; see <see cref="VerifyStoragePinAsync(Kagi.Pkcs11.PinBuffer, CancellationToken)"/>).
    /// </summary>
    /// <returns>The PIN-verified ticket and the transport PIN; the caller disposes it.</returns>
    /// <exception cref="ApiProblemException">storage-pin-not-verified (nothing to resume), storage-pin-used (window over) and others.</exception>
    /// <exception cref="InvalidDataException">The server's answer is not a storage PIN answer.</exception>
    public async Task<PinVerifiedTicket> ResumeEnrollmentWithTransportPinAsync(CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/enrollment/resume");
        PinVerifiedTicket response = await SendForTransportPinAsync(request, ct).ConfigureAwait(false);
        Ticket = response.Ticket;
        return response;
    }

    /// <summary>
    /// POST /api/v1/enrollment/resume: after a fresh token authentication, resumes an enrollment whose storage PIN
    /// was verified within the server's resume window; keeps the PIN-verified ticket.
    /// </summary>
    /// <exception cref="ApiProblemException">storage-pin-not-verified (nothing to resume), storage-pin-used (window over) and others.</exception>
    public async Task<StoragePinResponse> ResumeEnrollmentAsync(CancellationToken ct = default)
    {
        StoragePinResponse response = await SendAsync<StoragePinResponse>(HttpMethod.Post, "api/v1/enrollment/resume", null, Auth.Ticket, ct).ConfigureAwait(false);
        Ticket = response.Ticket;
        return response;
    }

    /// <summary>POST /api/v1/enrollment/certificate.</summary>
    public Task<IssuedCertificateResponse> RequestCertificateAsync(byte[] csrDer, CancellationToken ct = default) =>
        SendAsync<IssuedCertificateResponse>(HttpMethod.Post, "api/v1/enrollment/certificate", new CertificateSigningRequest(Convert.ToBase64String(csrDer)), Auth.Ticket, ct);

    /// <summary>
    /// POST /api/v1/enrollment/certificate/restore: the certificate already stored for the order, again, when it
    /// certifies <paramref name="subjectPublicKeyInfo"/> (the token key's public key) and is not revoked.
    /// </summary>
    public Task<IssuedCertificateResponse> RestoreCertificateAsync(byte[] subjectPublicKeyInfo, CancellationToken ct = default) =>
        SendAsync<IssuedCertificateResponse>(HttpMethod.Post, "api/v1/enrollment/certificate/restore", new CertificateRestoreRequest(Convert.ToBase64String(subjectPublicKeyInfo)), Auth.Ticket, ct);

    /// <summary>POST /api/v1/enrollment/stored.</summary>
    public Task<StoredResponse> ReportStoredAsync(string serialNumber, CancellationToken ct = default) =>
        SendAsync<StoredResponse>(HttpMethod.Post, "api/v1/enrollment/stored", new StoredRequest(serialNumber), Auth.Ticket, ct);

    // Operator

    /// <summary>POST /api/v1/admin/users.</summary>
    public Task<UserDto> CreateUserAsync(UserDto user, CancellationToken ct = default) =>
        SendAsync<UserDto>(HttpMethod.Post, "api/v1/admin/users", user, Auth.ApiKey, ct);

    /// <summary>POST /api/v1/admin/tokens.</summary>
    public Task<TokenDto> CreateTokenAsync(TokenDto token, CancellationToken ct = default) =>
        SendAsync<TokenDto>(HttpMethod.Post, "api/v1/admin/tokens", token, Auth.ApiKey, ct);

    /// <summary>GET /api/v1/admin/tokens.</summary>
    public Task<IReadOnlyList<TokenDto>> ListTokensAsync(CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<TokenDto>>(HttpMethod.Get, "api/v1/admin/tokens", null, Auth.ApiKey, ct);

    /// <summary>POST /api/v1/admin/users/import (CSV, UTF-8 or Shift_JIS).</summary>
    public Task<ImportResultDto> ImportUsersAsync(byte[] csv, CancellationToken ct = default) =>
        SendRawAsync<ImportResultDto>("api/v1/admin/users/import", csv, ct);

    /// <summary>POST /api/v1/admin/tokens/import (CSV, UTF-8 or Shift_JIS).</summary>
    public Task<ImportResultDto> ImportTokensAsync(byte[] csv, CancellationToken ct = default) =>
        SendRawAsync<ImportResultDto>("api/v1/admin/tokens/import", csv, ct);

    /// <summary>POST /api/v1/admin/tokens/{serial}/assignment.</summary>
    public Task<AssignmentDto> AssignAsync(string serial, string employeeId, CancellationToken ct = default) =>
        SendAsync<AssignmentDto>(HttpMethod.Post, $"api/v1/admin/tokens/{Uri.EscapeDataString(serial)}/assignment", new AssignRequest(employeeId), Auth.ApiKey, ct);

    /// <summary>POST /api/v1/admin/tokens/{serial}/distribution.</summary>
    public Task<TokenDto> RegisterDistributionAsync(string serial, DistributionRequest request, CancellationToken ct = default) =>
        SendAsync<TokenDto>(HttpMethod.Post, $"api/v1/admin/tokens/{Uri.EscapeDataString(serial)}/distribution", request, Auth.ApiKey, ct);

    /// <summary>POST /api/v1/admin/tokens/{serial}/storage-pin: issues (or re-issues) and mails the storage PIN.</summary>
    public Task<StoragePinIssuedDto> IssueStoragePinAsync(string serial, CancellationToken ct = default) =>
        SendAsync<StoragePinIssuedDto>(HttpMethod.Post, $"api/v1/admin/tokens/{Uri.EscapeDataString(serial)}/storage-pin", null, Auth.ApiKey, ct);

    /// <summary>POST /api/v1/admin/tokens/{serial}/state.</summary>
    public Task<TokenDto> SetTokenStateAsync(string serial, string state, CancellationToken ct = default) =>
        SendAsync<TokenDto>(HttpMethod.Post, $"api/v1/admin/tokens/{Uri.EscapeDataString(serial)}/state", new TokenStateRequest(state), Auth.ApiKey, ct);

    /// <summary>GET /api/v1/admin/assignments.</summary>
    public Task<IReadOnlyList<AssignmentDto>> ListAssignmentsAsync(CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<AssignmentDto>>(HttpMethod.Get, "api/v1/admin/assignments", null, Auth.ApiKey, ct);

    /// <summary>POST /api/v1/admin/orders/{certificateId}/reopen.</summary>
    public Task<AssignmentDto> ReopenOrderAsync(string certificateId, CancellationToken ct = default) =>
        SendAsync<AssignmentDto>(HttpMethod.Post, $"api/v1/admin/orders/{Uri.EscapeDataString(certificateId)}/reopen", null, Auth.ApiKey, ct);

    /// <summary>POST /api/v1/admin/certificates/{serial}/revocation.</summary>
    public Task RevokeAsync(string certificateSerial, string reason, CancellationToken ct = default) =>
        SendAsync<object?>(HttpMethod.Post, $"api/v1/admin/certificates/{Uri.EscapeDataString(certificateSerial)}/revocation", new RevokeRequest(reason), Auth.ApiKey, ct);

    /// <summary>GET /api/v1/admin/audit/verification.</summary>
    public Task<AuditVerificationDto> VerifyAuditAsync(CancellationToken ct = default) =>
        SendAsync<AuditVerificationDto>(HttpMethod.Get, "api/v1/admin/audit/verification", null, Auth.ApiKey, ct);

    /// <summary>GET /api/v1/admin/ca: the issuing CAs, active first.</summary>
    public Task<CaDto[]> ListCasAsync(CancellationToken ct = default) =>
        SendAsync<CaDto[]>(HttpMethod.Get, "api/v1/admin/ca", null, Auth.ApiKey, ct);

    /// <summary>POST /api/v1/admin/ca/rollover: a new issuing CA becomes active; returns it.</summary>
    public Task<CaDto> RolloverCaAsync(CaRolloverRequest request, CancellationToken ct = default) =>
        SendAsync<CaDto>(HttpMethod.Post, "api/v1/admin/ca/rollover", request, Auth.ApiKey, ct);

    /// <summary>POST /api/v1/admin/crl/publication: publishes every CA's CRL now; returns what was published.</summary>
    public Task<CrlPublicationDto[]> PublishCrlsAsync(CancellationToken ct = default) =>
        SendAsync<CrlPublicationDto[]>(HttpMethod.Post, "api/v1/admin/crl/publication", null, Auth.ApiKey, ct);

    private enum Auth
    {
        None,
        Ticket,
        ApiKey,
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, Auth auth, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        return await SendAsync<T>(request, auth, ct).ConfigureAwait(false);
    }

    private async Task<T> SendRawAsync<T>(string path, byte[] csv, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(csv) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return await SendAsync<T>(request, Auth.ApiKey, ct).ConfigureAwait(false);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, Auth auth, CancellationToken ct)
    {
        if (auth == Auth.Ticket && Ticket is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Ticket);
        }
        else if (auth == Auth.ApiKey && ApiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("ApiKey", ApiKey);
        }

        using HttpResponseMessage response = await http.SendAsync(request, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ToProblemAsync(response, ct).ConfigureAwait(false);
        }

        if (response.StatusCode == System.Net.HttpStatusCode.NoContent)
        {
            return default!;
        }

        return (await response.Content.ReadFromJsonAsync<T>(Json, ct).ConfigureAwait(false))!;
    }

    // Streams the answer (ResponseHeadersRead: HttpClient does not buffer it in an array of its own) into a pinned
    // buffer that is zeroed after the transport PIN was copied out.
    private async Task<PinVerifiedTicket> SendForTransportPinAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (Ticket is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Ticket);
        }

        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ToProblemAsync(response, ct).ConfigureAwait(false);
        }

        return await SecretJson.ReadPinVerifiedTicketAsync(response.Content, ct).ConfigureAwait(false);
    }

    private static async Task<ApiProblemException> ToProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string code = "http-" + (int)response.StatusCode;
        string detail = response.ReasonPhrase ?? string.Empty;
        var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using JsonDocument doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                extensions[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }

            code = extensions.GetValueOrDefault("code", code);
            detail = extensions.GetValueOrDefault("detail", detail);
        }
        catch (JsonException)
        {
            // Not a ProblemDetails body; keep the status.
        }

        return new ApiProblemException((int)response.StatusCode, code, detail, extensions);
    }
}
