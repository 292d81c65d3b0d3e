namespace Kagi.Tokens;

/// <summary>
/// Stable codes for failures of the token service that a user can act on. Front ends map each code to a
/// localized message and (for the CLI) an exit code; the codes never change meaning.
/// </summary>
public enum KagiError
{
    /// <summary>No PKCS#11 module was configured or found.</summary>
    NoModule,

    /// <summary>The configured module could not be loaded (see the inner exception).</summary>
    ModuleLoadFailed,

    /// <summary>No token is attached.</summary>
    NoToken,

    /// <summary>More than one token is attached and none was chosen.</summary>
    SeveralTokens,

    /// <summary>No attached token has the requested serial number.</summary>
    TokenNotFound,

    /// <summary>No certificate matches the given identifier.</summary>
    CertificateNotFound,

    /// <summary>Several certificates match the given identifier.</summary>
    CertificateAmbiguous,

    /// <summary>Private keys never leave the token; the request was refused.</summary>
    PrivateKeyExportRefused,

    /// <summary>The token stopped answering or was removed during the operation.</summary>
    TokenRemoved,

    /// <summary>The output file exists and overwriting was not requested.</summary>
    OutputExists,

    /// <summary>A PIN must be entered but none was given.</summary>
    PinRequired,

    /// <summary>No server URL was given (--server or KAGI_SERVER).</summary>
    ServerNotConfigured,
}

/// <summary>A token-service failure with a stable <see cref="KagiError"/> code and the values its message needs.</summary>
public sealed class KagiException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">The stable code.</param>
    /// <param name="arguments">Values for the localized message (serials, paths); never secrets.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public KagiException(KagiError error, IReadOnlyList<string>? arguments = null, Exception? inner = null)
        : base($"{error}{(arguments is { Count: > 0 } ? ": " + string.Join(", ", arguments) : string.Empty)}", inner)
    {
        Error = error;
        Arguments = arguments ?? [];
    }

    /// <summary>The stable code.</summary>
    public KagiError Error { get; }

    /// <summary>Message arguments.</summary>
    public IReadOnlyList<string> Arguments { get; }
}
