using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kagi.Server.Problems;

/// <summary>Turns framework-level failures (bad JSON, oversized bodies, unexpected exceptions) into ProblemDetails with codes.</summary>
public static class ProblemHandling
{
    /// <summary>
    /// Registers ProblemDetails with the "code" extension and a trace id. Problems the framework writes itself (a
    /// body that is not JSON of the expected shape, an unknown route, a wrong method or media type) get a code, type,
    /// title and detail in the same form as <see cref="ApiProblem"/>. Request JSON is read strictly: an object with
    /// a member twice is malformed rather than "last one wins", so no two readers can see different values.
    /// </summary>
    public static IServiceCollection AddKagiProblems(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(j => j.SerializerOptions.AllowDuplicateProperties = false);
        return services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            Microsoft.AspNetCore.Mvc.ProblemDetails problem = c.ProblemDetails;
            if (!problem.Extensions.ContainsKey("code"))
            {
                (string code, string detail) = Describe(problem.Status ?? c.HttpContext.Response.StatusCode);
                problem.Extensions["code"] = code;
                problem.Type = ApiProblem.TypeOf(code);
                problem.Title = ApiProblem.Title(code);
                problem.Detail ??= detail;
            }

            problem.Extensions.TryAdd("traceId", c.HttpContext.TraceIdentifier);
        });
    }

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

    private static (string Code, string Detail) Describe(int status) => status switch
    {
        StatusCodes.Status400BadRequest => (ErrorCodes.MalformedRequest,
            "The request could not be read: the body must be JSON of the documented shape (an object, with members of the documented types)."),
        StatusCodes.Status401Unauthorized => (ErrorCodes.Unauthorized, "Authentication is required."),
        StatusCodes.Status404NotFound => (ErrorCodes.NotFound, "There is nothing at this address."),
        StatusCodes.Status405MethodNotAllowed => (ErrorCodes.MethodNotAllowed, "This address does not accept this HTTP method."),
        StatusCodes.Status413PayloadTooLarge => (ErrorCodes.BodyTooLarge, "The request body is larger than the server accepts."),
        StatusCodes.Status415UnsupportedMediaType => (ErrorCodes.UnsupportedMediaType, "Send the body as JSON with Content-Type: application/json."),
        StatusCodes.Status429TooManyRequests => (ErrorCodes.RateLimited, "Too many requests; try again in a minute."),
        >= 500 => (ErrorCodes.InternalError, "An unexpected error occurred; the operator can find it in the log by its trace id."),
        _ => (ErrorCodes.MalformedRequest, "The request could not be processed as sent."),
    };
}
