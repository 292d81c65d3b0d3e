namespace Kagi.Protocol;

/// <summary>The server answered with a ProblemDetails error. <see cref="Code"/> is the stable error code.</summary>
public sealed class ApiProblemException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ApiProblemException(int status, string code, string detail, IReadOnlyDictionary<string, string> extensions)
        : base($"{status} {code}: {detail}")
    {
        Status = status;
        Code = code;
        Detail = detail;
        Extensions = extensions;
    }

    /// <summary>HTTP status.</summary>
    public int Status { get; }

    /// <summary>Stable error code, e.g. "storage-pin-wrong".</summary>
    public string Code { get; }

    /// <summary>The server's explanation (English, for logs and operators).</summary>
    public string Detail { get; }

    /// <summary>Other ProblemDetails members (e.g. "attemptsLeft") as text.</summary>
    public IReadOnlyDictionary<string, string> Extensions { get; }
}
