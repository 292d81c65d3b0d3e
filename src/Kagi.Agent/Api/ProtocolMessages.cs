using System.Text.Json;
using System.Text.Json.Serialization;
using Kagi.Tokens.Tokens;

namespace Kagi.Agent.Api;

/// <summary>The WebSocket API's message shapes (docs/agent.md, "WebSocket API"). Every message carries <c>v</c>, the protocol version.</summary>
public static class ProtocolMessages
{
    /// <summary>The protocol version this agent speaks.</summary>
    public const int Version = 1;

    /// <summary>JSON settings of the API: camelCase, enums as camelCase strings.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>One attached token as the API describes it.</summary>
/// <param name="Serial">Serial number.</param>
/// <param name="Manufacturer">Manufacturer ID.</param>
/// <param name="Model">Model.</param>
/// <param name="Label">Token label.</param>
/// <param name="PinState">User PIN state: ok, countLow, finalTry, locked, mustBeChanged, notInitialized.</param>
public sealed record DeviceDto(string Serial, string Manufacturer, string Model, string Label, PinState PinState)
{
    /// <summary>The API's view of <paramref name="info"/>.</summary>
    public static DeviceDto From(TokenInfo info) => new(info.Serial, info.Manufacturer, info.Model, info.Label, info.PinState);
}

/// <summary>Reply to <c>hello</c>.</summary>
public sealed record HelloReply(int V, string? Id, string Agent, string AgentVersion, int[] Protocols, string Type = "hello");

/// <summary>Reply to <c>devices</c>.</summary>
public sealed record DevicesReply(int V, string? Id, IReadOnlyList<DeviceDto> Devices, string Type = "devices");

/// <summary>Reply to <c>openWizard</c>: the agent opened (or would open) its wizard at <paramref name="Url"/>.</summary>
public sealed record WizardOpenedReply(int V, string? Id, string Url, bool BrowserOpened, string Type = "wizardOpened");

/// <summary>Pushed without a request: a token was inserted (<c>tokenInserted</c>) or removed (<c>tokenRemoved</c>).</summary>
public sealed record DeviceEvent(int V, string Type, DeviceDto Device, DateTimeOffset At);

/// <summary>Reply to a request the agent could not serve. <paramref name="Code"/>: malformed, too-large, unsupported-version, unknown-type, internal.</summary>
public sealed record ErrorReply(int V, string? Id, string Code, string Message, string Type = "error");
