namespace Kagi.Registry.Inventory;

/// <summary>Outcome of registering a user or a token.</summary>
public enum RegistrationCode
{
    /// <summary>Registered and audited.</summary>
    Registered,

    /// <summary>Input refused; see the errors. Nothing was stored.</summary>
    Invalid,

    /// <summary>The employee ID or serial is already registered. Nothing was stored.</summary>
    Duplicate,
}
