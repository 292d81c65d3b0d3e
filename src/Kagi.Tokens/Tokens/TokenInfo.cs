using Kagi.Pkcs11.Interop;

namespace Kagi.Tokens.Tokens;

/// <summary>What Kagi shows about one attached token.</summary>
/// <param name="ModulePath">The PKCS#11 module that reaches it.</param>
/// <param name="SlotId">The CK_SLOT_ID.</param>
/// <param name="Label">Token label.</param>
/// <param name="Manufacturer">Manufacturer ID.</param>
/// <param name="Model">Model.</param>
/// <param name="Serial">Serial number as the token reports it.</param>
/// <param name="HardwareVersion">Hardware version.</param>
/// <param name="FirmwareVersion">Firmware version.</param>
/// <param name="MinPinLength">Smallest PIN length the token accepts.</param>
/// <param name="MaxPinLength">Largest PIN length the token accepts.</param>
/// <param name="Flags">Raw CK_TOKEN_INFO flags.</param>
/// <param name="PinState">User PIN state derived from the flags.</param>
public sealed record TokenInfo(
    string ModulePath,
    ulong SlotId,
    string Label,
    string Manufacturer,
    string Model,
    string Serial,
    string HardwareVersion,
    string FirmwareVersion,
    ulong MinPinLength,
    ulong MaxPinLength,
    ulong Flags,
    PinState PinState)
{
    /// <summary>Decoded flag names (see <see cref="TokenFlags"/>).</summary>
    public IReadOnlyList<string> FlagNames => TokenFlags.Decode(Flags);

    /// <summary>True when the token collects the PIN on its own PIN pad.</summary>
    public bool HasProtectedAuthenticationPath => (Flags & CKF.CKF_PROTECTED_AUTHENTICATION_PATH) != 0;

    /// <summary>Builds the model from CK_TOKEN_INFO.</summary>
    public static TokenInfo From(string modulePath, ulong slotId, CkTokenInfo info) => new(
        modulePath,
        slotId,
        info.Label,
        info.ManufacturerId,
        info.Model,
        info.SerialNumber,
        info.HardwareVersion.ToString(),
        info.FirmwareVersion.ToString(),
        info.MinPinLength,
        info.MaxPinLength,
        info.Flags,
        PinStates.FromFlags(info.Flags));
}
