using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kagi.Server.Problems;

/// <summary>Turns framework-level failures (bad JSON, oversized bodies, unexpected exceptions) into ProblemDetails with codes.</summary>
public static class ProblemHandling
{
    /// <summary>Registers ProblemDetails with the "code" extension and a trace id.</summary>
    public static IServiceCollection AddKagiProblems(this IServiceCollection services) =>
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Extensions.TryAdd("code", c.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => ErrorCodes.NotFound,
                StatusCodes.Status413PayloadTooLarge => ErrorCodes.BodyTooLarge,
                StatusCodes.Status429TooManyRequests => ErrorCodes.RateLimited,
                StatusCodes.Status401Unauthorized => ErrorCodes.Unauthorized,
                >= 500 => ErrorCodes.InternalError,
                _ => ErrorCodes.MalformedRequest,
            });
            c.ProblemDetails.Extensions.TryAdd("traceId", c.HttpContext.TraceIdentifier);
        });

    /// <summary>Maps exceptions thrown while reading requests to 400/413 problems and everything else to 500, never leaking details.</summary>
    public static IApplicationBuilder UseKagiProblems(this IApplicationBuilder app) => app.UseExceptionHandler(handler => handler.Run(async context =>
    {
        Exception? error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        (int status, string code, string detail) = error switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (413, ErrorCodes.BodyTooLarge, "The request body is too large."),
            BadHttpRequestException b when b.InnerException is JsonException => (400, ErrorCodes.MalformedRequest, "The request body is not valid JSON of the expected shape."),
            BadHttpRequestException b => (b.StatusCode, ErrorCodes.MalformedRequest, "The request could not be read."),
            JsonException => (400, ErrorCodes.MalformedRequest, "The request body is not valid JSON of the expected shape."),
            _ => (500, ErrorCodes.InternalError, "An unexpected error occurred; the operator can find it in the log by its trace id."),
        };
        ProblemHttpResult result = ApiProblem.Create(status, code, detail, new Dictionary<string, object?> { ["traceId"] = context.TraceIdentifier });
        await result.ExecuteAsync(context).ConfigureAwait(false);
    }));
}
