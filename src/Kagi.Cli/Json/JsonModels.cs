using Kagi.Tokens.Certificates;
using Kagi.Tokens.Tokens;

namespace Kagi.Cli.Json;

// Stable JSON shapes of `kagi ... --json` (documented in docs/cli.md). Field names never change meaning.

/// <summary>A token in JSON.</summary>
internal sealed record TokenJson(
    string Serial, string Label, string Manufacturer, string Model, PinState PinState, string FirmwareVersion,
    string HardwareVersion, ulong MinPinLength, ulong MaxPinLength, IReadOnlyList<string> Flags, string Module, ulong SlotId)
{
    public static TokenJson From(TokenInfo t) => new(
        t.Serial, t.Label, t.Manufacturer, t.Model, t.PinState, t.FirmwareVersion, t.HardwareVersion, t.MinPinLength, t.MaxPinLength,
        t.FlagNames, t.ModulePath, t.SlotId);
}

/// <summary>A certificate in JSON.</summary>
internal sealed record CertificateJson(
    string Id, string Label, string SerialNumber, string Subject, string Issuer, string NotBefore, string NotAfter,
    int DaysUntilExpiry, string KeyAlgorithm, int KeySize, string? Curve, IReadOnlyList<string> KeyUsage,
    IReadOnlyList<string> ExtendedKeyUsage, string Sha1, string Sha256, string CertificateId, bool IsCa, bool? HasPrivateKey)
{
    public static CertificateJson From(TokenCertificate c) => new(
        c.Id, c.Label, c.SerialNumber, c.Subject, c.Issuer, Iso(c.NotBefore), Iso(c.NotAfter), c.DaysUntilExpiry, c.KeyAlgorithm,
        c.KeySize, c.Curve, c.KeyUsages, c.ExtendedKeyUsages, c.Sha1, c.Sha256, c.CertificateId, c.IsCa, c.HasPrivateKey);

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A considered module in JSON.</summary>
internal sealed record ModuleJson(string Path, string Vendor, string Source, string Status, string Detail, string? Library, int? Tokens);

/// <summary>The result of a login or PIN change in JSON.</summary>
internal sealed record PinResultJson(string Serial, string Outcome, PinState PinState, IReadOnlyList<string> Problems);

/// <summary>A PIN strength evaluation in JSON.</summary>
internal sealed record StrengthJson(string Level, bool Refused, IReadOnlyList<string> Reasons, IReadOnlyList<string> PolicyViolations);

/// <summary>A token event in JSON (one per line).</summary>
internal sealed record EventJson(string Event, string At, TokenJson Token);
