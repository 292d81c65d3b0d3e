namespace Kagi.Cli.Infrastructure;

/// <summary>The process exit codes of <c>kagi</c>, documented in docs/cli.md. They never change meaning.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Unexpected = 1;
    public const int Usage = 2;
    public const int NoToken = 3;
    public const int SeveralTokens = 4;
    public const int TokenNotFound = 5;
    public const int WrongPin = 6;
    public const int PinLocked = 7;
    public const int PinRejected = 8;
    public const int ModuleError = 9;
    public const int CertificateNotFound = 10;
    public const int Refused = 11;
    public const int TokenError = 12;
    public const int FileError = 13;
    public const int ServerError = 14;
}
