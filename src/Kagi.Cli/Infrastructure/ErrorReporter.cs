using System.Globalization;
using Kagi.Cli.Resources;
using Kagi.Pkcs11;
using Kagi.Tokens;

namespace Kagi.Cli.Infrastructure;

/// <summary>Turns failures into one localized message on standard error and a documented exit code.</summary>
internal static class ErrorReporter
{
    public static int Report(Exception e)
    {
        (string message, int code) = Classify(e);
        Output.Error(message);
        return code;
    }

    /// <summary>The localized message and exit code for <paramref name="e"/>, without printing.</summary>
    public static (string Message, int ExitCode) Classify(Exception e)
    {
        return e switch
        {
            KagiException k => Describe(k),
            Pkcs11Exception p => (Format(Messages.ErrTokenFailure, p.Message), ExitCodes.TokenError),
            InvalidDataException d => (Format(Messages.ErrConfig, d.Message), ExitCodes.Usage),
            OperationCanceledException => (Messages.Cancelled, ExitCodes.Refused),
            IOException or UnauthorizedAccessException => (Format(Messages.ErrFile, e.Message), ExitCodes.FileError),
            _ => (Format(Messages.ErrUnexpected, e.GetType().Name + ": " + e.Message + (Environment.GetEnvironmentVariable("KAGI_DEBUG") == "1" ? Environment.NewLine + e.StackTrace : string.Empty)), ExitCodes.Unexpected),
        };
    }

    private static (string, int) Describe(KagiException e)
    {
        string First() => e.Arguments.Count > 0 ? e.Arguments[0] : string.Empty;
        string Rest(int skip) => string.Join(Environment.NewLine, e.Arguments.Skip(skip).Select(a => "  " + a));
        return e.Error switch
        {
            KagiError.NoModule => (Messages.ErrNoModule, ExitCodes.ModuleError),
            KagiError.ModuleLoadFailed => (Format(Messages.ErrModuleLoad, First(), e.Arguments.Count > 1 ? e.Arguments[1] : string.Empty), ExitCodes.ModuleError),
            KagiError.NoToken => (Messages.ErrNoToken, ExitCodes.NoToken),
            KagiError.SeveralTokens => (Format(Messages.ErrSeveralTokens, Rest(0)), ExitCodes.SeveralTokens),
            KagiError.TokenNotFound => (Format(Messages.ErrTokenNotFound, First(), Rest(1)), ExitCodes.TokenNotFound),
            KagiError.CertificateNotFound => (Format(Messages.ErrCertNotFound, First()), ExitCodes.CertificateNotFound),
            KagiError.CertificateAmbiguous => (Format(Messages.ErrCertAmbiguous, First(), Rest(1)), ExitCodes.CertificateNotFound),
            KagiError.PrivateKeyExportRefused => (Messages.ErrPrivateKeyExport, ExitCodes.Refused),
            KagiError.TokenRemoved => (Format(Messages.ErrTokenRemoved, First()), ExitCodes.TokenError),
            KagiError.OutputExists => (Format(Messages.ErrOutputExists, First()), ExitCodes.FileError),
            KagiError.PinRequired => (Messages.ErrPinRequired, ExitCodes.Usage),
            KagiError.ServerNotConfigured => (Messages.ErrServerNotConfigured, ExitCodes.Usage),
            _ => (e.Message, ExitCodes.Unexpected),
        };
    }

    public static string Format(string template, params object[] args) => string.Format(CultureInfo.CurrentCulture, template, args);
}
