namespace Kagi.Registry.Enrollment;

/// <summary>Outcome of an enrollment order step.</summary>
public enum OrderCode
{
    /// <summary>Done, committed with its audit entry.</summary>
    Done,

    /// <summary>No order with that certificate ID.</summary>
    OrderNotFound,

    /// <summary>The order (or its assignment or token) is not in a state that allows the step; nothing changed.</summary>
    WrongState,

    /// <summary>The certificate's public key was certified before; nothing changed.</summary>
    PublicKeyReused,

    /// <summary>The certificate is not DER X.509; nothing changed.</summary>
    InvalidCertificate,

    /// <summary>A certificate with that serial exists, or someone else changed the order at the same time; nothing changed.</summary>
    Conflict,
}
