namespace Kagi.Registry.Inventory;

/// <summary>A token to register (the fields of a tokens CSV row).</summary>
/// <param name="Serial">PKCS#11 serial number; required, unique.</param>
/// <param name="Manufacturer">Manufacturer; required.</param>
/// <param name="Model">Model; required.</param>
public sealed record NewToken(string? Serial, string? Manufacturer, string? Model);
