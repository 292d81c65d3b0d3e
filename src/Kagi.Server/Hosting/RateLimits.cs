using System.Threading.RateLimiting;
using Kagi.Server.Problems;
using Microsoft.AspNetCore.RateLimiting;

namespace Kagi.Server.Endpoints;

/// <summary>Rate limits of the unauthenticated endpoints, per client address.</summary>
public static class RateLimits
{
    /// <summary>The policy name for the enrollment API.</summary>
    public const string Enrollment = "enrollment";

    /// <summary>Registers the policies; <paramref name="permitsPerMinute"/> requests per client address and minute.</summary>
    public static IServiceCollection AddKagiRateLimits(this IServiceCollection services, int permitsPerMinute) => services.AddRateLimiter(o =>
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.OnRejected = async (context, ct) =>
        {
            await ApiProblem.Create(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "Too many requests; try again in a minute.")
                .ExecuteAsync(context.HttpContext).ConfigureAwait(false);
        };
        o.AddPolicy(Enrollment, http => RateLimitPartition.GetFixedWindowLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    });
}
