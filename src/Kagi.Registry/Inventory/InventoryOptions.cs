namespace Kagi.Registry.Inventory;

/// <summary>Settings of <see cref="InventoryService"/>.</summary>
public sealed class InventoryOptions
{
    /// <summary>
    /// Prefix of generated certificate IDs (placed in the certificate subject's serialNumber, PrintableString):
    /// 0 to 8 characters A–Z, 0–9. Default "FC". The ID is the prefix and 16 uppercase hex digits (64 random bits).
    /// </summary>
    public string CertificateIdPrefix { get; set; } = "FC";

    /// <summary>Largest CSV file accepted, in bytes. Default 10 MiB.</summary>
    public int MaxCsvBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        if (CertificateIdPrefix is null || CertificateIdPrefix.Length > 8 || !CertificateIdPrefix.All(c => c is >= 'A' and <= 'Z' or >= '0' and <= '9'))
        {
            throw new ArgumentOutOfRangeException(nameof(CertificateIdPrefix), "0 to 8 characters A-Z, 0-9.");
        }

        if (MaxCsvBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCsvBytes), "At least 1.");
        }
    }
}
