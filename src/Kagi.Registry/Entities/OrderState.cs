namespace Kagi.Registry.Entities;

/// <summary>State of an enrollment order. Stored as the member name.</summary>
public enum OrderState
{
    /// <summary>Waiting for the user's CSR.</summary>
    Open,

    /// <summary>A certificate was issued; waiting for the client to report it stored.</summary>
    Issued,

    /// <summary>The certificate is stored on the token.</summary>
    Stored,

    /// <summary>Open again for a new CSR (storing failed, or an operator asked for a reissue).</summary>
    Reopened,

    /// <summary>The assignment ended before the order finished.</summary>
    Cancelled,
}
