using Kagi.Enrollment;
using Kagi.Protocol;

namespace Kagi.Agent.Wizard;

/// <summary>Where a wizard run stands.</summary>
public enum WizardStep
{
    /// <summary>STEP 1: token authentication.</summary>
    Authenticate = 1,

    /// <summary>STEP 2: the user confirms the token is theirs.</summary>
    ConfirmUser = 2,

    /// <summary>STEP 3: the storage PIN from the e-mail.</summary>
    StoragePin = 3,

    /// <summary>
    /// STEP 4: the new user PIN and its confirmation; or, when the token no longer opens with its transport PIN
    /// (<see cref="WizardRun.PinSetBefore"/>), the user PIN set before.
    /// </summary>
    UserPin = 4,

    /// <summary>STEP 5: stored, or stopped with an error (see <see cref="WizardRun.Stored"/> and <see cref="WizardRun.ErrorCode"/>).</summary>
    Result = 5,

    /// <summary>
    /// Instead of STEP 2–4: the server has the certificate as stored, but the token lost it
    /// (<see cref="CertificateStorageFlow.IsStoredCertificateMissing"/>); the user's own PIN writes the same certificate
    /// back (<see cref="CertificateStorageFlow.RestoreCertificateAsync"/>), then <see cref="Result"/>.
    /// </summary>
    RestorePin = 6,
}

/// <summary>One run of the storage wizard: the flow object and what the pages show. Access under <see cref="Gate"/>.</summary>
public sealed class WizardRun(string id, string serial, CertificateStorageFlow flow)
{
    /// <summary>Random identifier (in the URL).</summary>
    public string Id { get; } = id;

    /// <summary>The token's serial.</summary>
    public string Serial { get; } = serial;

    /// <summary>The shared storage flow.</summary>
    public CertificateStorageFlow Flow { get; } = flow;

    /// <summary>One request at a time per run.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The current step.</summary>
    public WizardStep Step { get; set; } = WizardStep.Authenticate;

    /// <summary>The assigned user after STEP 1.</summary>
    public AssignedUserResponse? User { get; set; }

    /// <summary>A message key for the current step's error, if the last attempt failed.</summary>
    public string? StepError { get; set; }

    /// <summary>Arguments for <see cref="StepError"/>.</summary>
    public object?[] StepErrorArgs { get; set; } = [];

    /// <summary>The stored certificate (result page).</summary>
    public StoredCertificate? Stored { get; set; }

    /// <summary>True when the run restores a lost certificate (<see cref="WizardStep.RestorePin"/>) instead of storing one.</summary>
    public bool Restoring { get; set; }

    /// <summary>
    /// True when STEP 4 found that the token no longer opens with its transport PIN
    /// (<see cref="CertificateStorageFlow.CheckTokenPin"/>): the user's own PIN is on it already (an interrupted storage
    /// set it, or the certificate a reissued order replaces), so STEP 4 asks for that PIN instead of a new one.
    /// </summary>
    public bool PinSetBefore { get; set; }

    /// <summary>The token's user PIN state as last read by the restore step or STEP 4 (final-try confirmation, locked token).</summary>
    public Kagi.Tokens.Tokens.PinState? PinState { get; set; }

    /// <summary>The stable error code the run stopped with (result page), e.g. storage-pin-locked.</summary>
    public string? ErrorCode { get; set; }

    /// <summary>The message key for <see cref="ErrorCode"/>.</summary>
    public string? ErrorKey { get; set; }

    /// <summary>True when STEP 3 was skipped: an earlier run verified the storage PIN within the server's resume window.</summary>
    public bool Resumed { get; set; }

    /// <summary>True once the user cancelled.</summary>
    public bool Cancelled { get; set; }
}

/// <summary>The wizard runs of this agent process (in memory; nothing survives a restart).</summary>
public sealed class WizardStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, WizardRun> _runs = new(StringComparer.Ordinal);

    /// <summary>Adds a run for <paramref name="flow"/>.</summary>
    public WizardRun Add(string serial, CertificateStorageFlow flow)
    {
        var run = new WizardRun(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), serial, flow);
        _runs[run.Id] = run;
        return run;
    }

    /// <summary>The run with <paramref name="id"/>, or null.</summary>
    public WizardRun? Find(string id) => _runs.GetValueOrDefault(id);
}
