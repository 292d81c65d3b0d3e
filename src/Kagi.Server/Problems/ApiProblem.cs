using Microsoft.AspNetCore.Http.HttpResults;

namespace Kagi.Server.Problems;

/// <summary>The one place where errors become RFC 9457 ProblemDetails responses with a stable "code".</summary>
public static class ApiProblem
{
    /// <summary>A problem response with <paramref name="code"/> (see <see cref="ErrorCodes"/>) and optional extra fields.</summary>
    public static ProblemHttpResult Create(int status, string code, string detail, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(detail: detail, statusCode: status, title: Title(code), type: TypeOf(code), extensions: all);
    }

    /// <summary>400 with <paramref name="code"/>.</summary>
    public static ProblemHttpResult BadRequest(string code, string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status400BadRequest, code, detail, extensions);

    /// <summary>404 with <paramref name="code"/>.</summary>
    public static ProblemHttpResult NotFound(string code, string detail) => Create(StatusCodes.Status404NotFound, code, detail);

    /// <summary>409 with <paramref name="code"/>.</summary>
    public static ProblemHttpResult Conflict(string code, string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status409Conflict, code, detail, extensions);

    /// <summary>403 with <paramref name="code"/>.</summary>
    public static ProblemHttpResult Forbidden(string code, string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status403Forbidden, code, detail, extensions);

    /// <summary>401 with <paramref name="code"/>.</summary>
    public static ProblemHttpResult Unauthorized(string code, string detail) => Create(StatusCodes.Status401Unauthorized, code, detail);

    /// <summary>The problem type URI of <paramref name="code"/>.</summary>
    internal static string TypeOf(string code) => $"https://kagi.dev/problems/{code}";

    /// <summary>The problem title of <paramref name="code"/>: the code in words.</summary>
    internal static string Title(string code) => code.Replace('-', ' ');
}
