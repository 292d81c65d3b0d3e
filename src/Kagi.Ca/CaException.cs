namespace Kagi.Ca;

/// <summary>A CA library failure with a stable <see cref="CaError"/> code. The message is the code, never a secret.</summary>
public sealed class CaException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">The stable code.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public CaException(CaError error, Exception? inner = null)
        : base(error.ToString(), inner)
    {
        Error = error;
    }

    /// <summary>The stable code.</summary>
    public CaError Error { get; }
}
