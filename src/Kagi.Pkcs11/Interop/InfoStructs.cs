namespace Kagi.Pkcs11.Interop;

/// <summary>CK_VERSION.</summary>
/// <param name="Major">Major version.</param>
/// <param name="Minor">Minor version.</param>
public readonly record struct CkVersion(byte Major, byte Minor)
{
    /// <inheritdoc />
    public override string ToString() => $"{Major}.{Minor}";
}

/// <summary>CK_INFO decoded: text fields are trimmed of blank and NUL padding.</summary>
public sealed record CkInfo(CkVersion CryptokiVersion, string ManufacturerId, ulong Flags, string LibraryDescription, CkVersion LibraryVersion);

/// <summary>CK_SLOT_INFO decoded.</summary>
public sealed record CkSlotInfo(string SlotDescription, string ManufacturerId, ulong Flags, CkVersion HardwareVersion, CkVersion FirmwareVersion);

/// <summary>
/// CK_TOKEN_INFO decoded. Counters hold the raw CK_ULONG value; <see cref="NativeAbi.UnavailableInformation"/>
/// (CK_UNAVAILABLE_INFORMATION) is mapped to null.
/// </summary>
public sealed record CkTokenInfo(
    string Label,
    string ManufacturerId,
    string Model,
    string SerialNumber,
    ulong Flags,
    ulong? MaxSessionCount,
    ulong? SessionCount,
    ulong? MaxRwSessionCount,
    ulong? RwSessionCount,
    ulong MaxPinLength,
    ulong MinPinLength,
    ulong? TotalPublicMemory,
    ulong? FreePublicMemory,
    ulong? TotalPrivateMemory,
    ulong? FreePrivateMemory,
    CkVersion HardwareVersion,
    CkVersion FirmwareVersion,
    string UtcTime);

/// <summary>CK_SESSION_INFO decoded.</summary>
public sealed record CkSessionInfo(ulong SlotId, ulong State, ulong Flags, ulong DeviceError);

/// <summary>CK_MECHANISM_INFO decoded.</summary>
public sealed record CkMechanismInfo(ulong MinKeySize, ulong MaxKeySize, ulong Flags);
