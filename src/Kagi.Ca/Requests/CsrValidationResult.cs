using System.Diagnostics.CodeAnalysis;

namespace Kagi.Ca.Requests;

/// <summary>The outcome of <see cref="CsrValidator.Validate"/>: either an accepted request or the reason it was refused.</summary>
public sealed class CsrValidationResult
{
    private CsrValidationResult(CsrError error, ValidatedCsr? csr)
    {
        Error = error;
        Csr = csr;
    }

    /// <summary><see cref="CsrError.None"/> when accepted, else why not.</summary>
    public CsrError Error { get; }

    /// <summary>The accepted request; null when refused.</summary>
    public ValidatedCsr? Csr { get; }

    /// <summary>True when the request was accepted (<see cref="Csr"/> is then set).</summary>
    [MemberNotNullWhen(true, nameof(Csr))]
    public bool IsValid => Csr is not null;

    internal static CsrValidationResult Accepted(ValidatedCsr csr) => new(CsrError.None, csr);

    internal static CsrValidationResult Refused(CsrError error) => new(error, null);
}
