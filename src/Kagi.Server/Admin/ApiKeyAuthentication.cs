using Kagi.Registry.ApiKeys;
using Kagi.Registry.Audit;
using Kagi.Server.Problems;

namespace Kagi.Server.Admin;

/// <summary>
/// Operator authentication: "Authorization: ApiKey &lt;key&gt;" checked against the hashed keys in the database. The
/// verified operator becomes the audit actor of the request.
/// </summary>
public static class ApiKeyAuthentication
{
    private const string ActorItem = "kagi.actor";

    /// <summary>An endpoint filter that refuses requests without a valid API key.</summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;
        string? header = http.Request.Headers.Authorization;
        string? key = header is not null && header.StartsWith("ApiKey ", StringComparison.Ordinal) ? header[7..].Trim() : null;
        ApiKeyService keys = http.RequestServices.GetRequiredService<ApiKeyService>();
        ApiKeyVerification verification = await keys.VerifyAsync(key, http.RequestAborted).ConfigureAwait(false);
        if (verification.Status != ApiKeyStatus.Valid)
        {
            return ApiProblem.Unauthorized(ErrorCodes.Unauthorized, "A valid operator API key is required (Authorization: ApiKey <key>).");
        }

        http.Items[ActorItem] = new AuditActor("operator:" + verification.Name, http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        return await next(context).ConfigureAwait(false);
    }

    /// <summary>The operator of the current request.</summary>
    public static AuditActor Actor(HttpContext http) => (AuditActor)http.Items[ActorItem]!;

    /// <summary>
    /// Creates the first operator API key when none exists and writes it to <paramref name="path"/> (owner-only),
    /// so a fresh installation can be administered. The key is never logged.
    /// </summary>
    public static async Task BootstrapAsync(ApiKeyService keys, Kagi.Registry.Data.KagiDbContext db, string path, CancellationToken ct)
    {
        if (db.ApiKeys.Any())
        {
            return;
        }

        var created = await keys.CreateAsync("bootstrap", AuditActor.System, ct).ConfigureAwait(false);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteLineAsync(created.Key.AsMemory(), ct).ConfigureAwait(false);
    }
}
