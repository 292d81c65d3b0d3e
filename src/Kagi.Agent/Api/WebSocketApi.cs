using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Kagi.Agent.Devices;
using Kagi.Tokens.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Kagi.Agent.Api;

/// <summary>
/// <c>GET /ws</c>: the portal-facing WebSocket API. Text messages of at most <see cref="Hosting.AgentOptions.MaxMessageBytes"/>
/// bytes, each a JSON object <c>{"v":1,"id":"…","type":"hello|devices|openWizard"}</c>; token events are pushed as they
/// happen. A malformed, oversized or unknown message gets an <see cref="ErrorReply"/> and the connection stays open.
/// </summary>
public static class WebSocketApi
{
    /// <summary>Maps the endpoint.</summary>
    public static void MapWebSocketApi(this WebApplication app) => app.Map("/ws", HandleAsync);

    private static async Task HandleAsync(HttpContext context, DeviceHub hub, WizardLauncher launcher, Security.AgentOrigins origins)
    {
        // The guard already refused foreign origins; checked again here so the endpoint never depends on middleware order.
        if (!context.WebSockets.IsWebSocketRequest || context.Request.Headers.Origin.Count != 1 || !origins.IsAllowedForWebSocket(context.Request.Headers.Origin[0]!))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var sendLock = new SemaphoreSlim(1, 1);
        Task events = PushEventsAsync(socket, hub, sendLock, cts.Token);
        try
        {
            await ReceiveLoopAsync(socket, hub, launcher, sendLock, cts.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The page went away.
        }
        finally
        {
            await cts.CancelAsync();
            try
            {
                await events;
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }

            sendLock.Dispose();
        }
    }

    private static async Task ReceiveLoopAsync(WebSocket socket, DeviceHub hub, WizardLauncher launcher, SemaphoreSlim sendLock, CancellationToken ct)
    {
        byte[] buffer = new byte[Hosting.AgentOptions.MaxMessageBytes];
        while (socket.State == WebSocketState.Open)
        {
            int length = 0;
            bool tooLarge = false;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    tooLarge = true;
                    length = 0; // keep reading and discarding the rest of the message
                }

                result = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, ct);
                    return;
                }

                length += result.Count;
                if (!result.EndOfMessage && length == buffer.Length)
                {
                    tooLarge = true;
                    length = 0;
                }
            }
            while (!result.EndOfMessage);

            object reply = tooLarge
                ? new ErrorReply(ProtocolMessages.Version, null, "too-large", $"Messages are limited to {Hosting.AgentOptions.MaxMessageBytes} bytes.")
                : result.MessageType != WebSocketMessageType.Text
                    ? new ErrorReply(ProtocolMessages.Version, null, "malformed", "Messages are UTF-8 JSON text.")
                    : await AnswerAsync(buffer.AsMemory(0, length), hub, launcher, ct);
            await SendAsync(socket, reply, sendLock, ct);
        }
    }

    /// <summary>The reply to one request message.</summary>
    internal static async Task<object> AnswerAsync(ReadOnlyMemory<byte> message, DeviceHub hub, WizardLauncher launcher, CancellationToken ct)
    {
        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(message, new JsonDocumentOptions { MaxDepth = 4 });
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new ErrorReply(ProtocolMessages.Version, null, "malformed", "The message is not valid JSON.");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new ErrorReply(ProtocolMessages.Version, null, "malformed", "The message must be a JSON object.");
        }

        string? id = null;
        if (root.TryGetProperty("id", out JsonElement idElement))
        {
            if (idElement.ValueKind != JsonValueKind.String || idElement.GetString()!.Length > 64)
            {
                return new ErrorReply(ProtocolMessages.Version, null, "malformed", "\"id\" must be a string of at most 64 characters.");
            }

            id = idElement.GetString();
        }

        if (!root.TryGetProperty("v", out JsonElement v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int version))
        {
            return new ErrorReply(ProtocolMessages.Version, id, "malformed", "\"v\" (the protocol version) must be a number.");
        }

        if (version != ProtocolMessages.Version)
        {
            return new ErrorReply(ProtocolMessages.Version, id, "unsupported-version", $"This agent speaks protocol version {ProtocolMessages.Version}.");
        }

        if (!root.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String)
        {
            return new ErrorReply(ProtocolMessages.Version, id, "malformed", "\"type\" must be a string.");
        }

        switch (type.GetString())
        {
            case "hello":
                return new HelloReply(ProtocolMessages.Version, id, "kagi-agent", AgentVersion, [ProtocolMessages.Version]);
            case "devices":
                IReadOnlyList<DeviceDto> devices = await hub.Use(d => d.List().Select(t => DeviceDto.From(t.Info)).ToArray(), ct);
                return new DevicesReply(ProtocolMessages.Version, id, devices);
            case "openWizard":
                (string url, bool opened) = launcher.OpenWizard();
                return new WizardOpenedReply(ProtocolMessages.Version, id, url, opened);
            default:
                return new ErrorReply(ProtocolMessages.Version, id, "unknown-type", "Known types: hello, devices, openWizard.");
        }
    }

    private static string AgentVersion => typeof(WebSocketApi).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private static async Task PushEventsAsync(WebSocket socket, DeviceHub hub, SemaphoreSlim sendLock, CancellationToken ct)
    {
        await foreach (TokenEvent e in hub.SubscribeAsync(ct))
        {
            string type = e.Kind == TokenEventKind.Inserted ? "tokenInserted" : "tokenRemoved";
            await SendAsync(socket, new DeviceEvent(ProtocolMessages.Version, type, DeviceDto.From(e.Token), e.At), sendLock, ct);
        }
    }

    private static async Task SendAsync(WebSocket socket, object message, SemaphoreSlim sendLock, CancellationToken ct)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), ProtocolMessages.Json);
        await sendLock.WaitAsync(ct);
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, ct);
            }
        }
        finally
        {
            sendLock.Release();
        }
    }
}
