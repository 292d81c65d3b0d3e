using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Kagi.Agent.BrowserTests.Infrastructure;
using Kagi.Testing;

namespace Kagi.Agent.BrowserTests.Api;

/// <summary>The agent's WebSocket API and its request guard over real sockets, against the real agent process.</summary>
public sealed class WebSocketApiTests : IDisposable
{
    private readonly KagiRunner _kagi = new();
    private readonly AgentProcess _agent;

    public WebSocketApiTests()
    {
        _kagi.Hsm.InitToken("agent-ws-1", "so-pin-1", "1234");
        _agent = AgentProcess.Start(_kagi, [AgentWorld.PortalOrigin]);
    }

    [Fact]
    public async Task Portal_origin_gets_hello_and_the_device_list()
    {
        using ClientWebSocket socket = await ConnectAsync(AgentWorld.PortalOrigin);
        JsonElement hello = await RequestAsync(socket, """{"v":1,"id":"a1","type":"hello"}""");
        Assert.Equal("hello", hello.GetProperty("type").GetString());
        Assert.Equal("a1", hello.GetProperty("id").GetString());
        Assert.Equal(1, hello.GetProperty("v").GetInt32());
        Assert.Equal("kagi-agent", hello.GetProperty("agent").GetString());

        JsonElement devices = await RequestAsync(socket, """{"v":1,"id":"a2","type":"devices"}""");
        JsonElement device = Assert.Single(devices.GetProperty("devices").EnumerateArray());
        Assert.Equal("agent-ws-1", device.GetProperty("label").GetString());
        Assert.Equal("SoftHSM v2", device.GetProperty("model").GetString());
        Assert.Equal("SoftHSM project", device.GetProperty("manufacturer").GetString());
        Assert.Equal("ok", device.GetProperty("pinState").GetString());
        Assert.Matches("^[0-9a-f]{16}$", device.GetProperty("serial").GetString()!);
    }

    [Fact]
    public async Task Own_origin_is_accepted_and_the_wizard_request_answers_with_the_agents_page()
    {
        using ClientWebSocket socket = await ConnectAsync(_agent.Url);
        JsonElement reply = await RequestAsync(socket, """{"v":1,"id":"w","type":"openWizard"}""");
        Assert.Equal("wizardOpened", reply.GetProperty("type").GetString());
        Assert.Equal(_agent.Url + "/wizard", reply.GetProperty("url").GetString());
        Assert.False(reply.GetProperty("browserOpened").GetBoolean()); // --no-browser
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("null")]
    [InlineData(null)]
    public async Task Foreign_or_missing_origin_is_refused_at_the_handshake(string? origin)
    {
        using var socket = new ClientWebSocket();
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(WsUrl), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("rebind.attacker.test:{port}")]
    [InlineData("127.0.0.2:{port}")]
    public async Task A_host_header_other_than_the_loopback_name_is_refused(string host)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, _agent.Url + "/");
        request.Headers.Host = host.Replace("{port}", _agent.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        using HttpResponseMessage response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);

        using HttpResponseMessage good = await http.GetAsync(_agent.Url + "/");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task State_changing_requests_need_the_run_token_not_a_cookie()
    {
        using var http = new HttpClient();
        string page = await http.GetStringAsync(_agent.Url + "/pin");
        string token = System.Text.RegularExpressions.Regex.Match(page, "name=\"kagi-run-token\" content=\"([0-9a-f]{64})\"").Groups[1].Value;
        Assert.Equal(64, token.Length);

        var form = new Dictionary<string, string> { ["newPin"] = "x", ["current"] = "1234" };
        using HttpResponseMessage none = await http.PostAsync(_agent.Url + "/api/pin-check", new StringContent("""{"newPin":"q8w3e5r1","confirmation":"q8w3e5r1"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Post, _agent.Url + "/pin") { Content = new FormUrlEncodedContent(form.Append(new("_rt", new string('0', 64)))) };
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(wrong)).StatusCode);

        // A page of another site posting a form: right token (say it leaked) but a foreign Origin is still refused.
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, _agent.Url + "/api/pin-check")
        {
            Content = new StringContent("""{"newPin":"q8w3e5r1","confirmation":"q8w3e5r1"}""", Encoding.UTF8, "application/json"),
        };
        crossSite.Headers.Add("X-Kagi-Run-Token", token);
        crossSite.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(crossSite)).StatusCode);

        using var allowed = new HttpRequestMessage(HttpMethod.Post, _agent.Url + "/api/pin-check")
        {
            Content = new StringContent("""{"newPin":"q8w3e5r1","confirmation":"q8w3e5r1"}""", Encoding.UTF8, "application/json"),
        };
        allowed.Headers.Add("X-Kagi-Run-Token", token);
        using HttpResponseMessage ok = await http.SendAsync(allowed);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        string body = await ok.Content.ReadAsStringAsync();
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("valid").GetBoolean(), body);
        Assert.DoesNotContain("q8w3e5r1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_unknown_and_oversized_messages_get_an_error_and_the_connection_stays_usable()
    {
        using ClientWebSocket socket = await ConnectAsync(AgentWorld.PortalOrigin);
        (string Message, string Code)[] cases =
        [
            ("{not json", "malformed"),
            ("[1,2,3]", "malformed"),
            ("""{"type":"hello"}""", "malformed"),
            ("""{"v":"1","type":"hello"}""", "malformed"),
            ("""{"v":2,"type":"hello"}""", "unsupported-version"),
            ("""{"v":1,"type":"format-disk"}""", "unknown-type"),
            ("""{"v":1,"type":7}""", "malformed"),
            ("""{"v":1,"id":{"a":1},"type":"hello"}""", "malformed"),
            ("""{"v":1,"type":"hello","x":[[[[[[[[[[1]]]]]]]]]]}""", "malformed"),
            ("{\"v\":1,\"type\":\"hello\",\"pad\":\"" + new string('a', 10_000) + "\"}", "too-large"),
        ];
        foreach ((string message, string code) in cases)
        {
            JsonElement reply = await RequestAsync(socket, message);
            Assert.Equal("error", reply.GetProperty("type").GetString());
            Assert.Equal(code, reply.GetProperty("code").GetString());
        }

        await socket.SendAsync(new byte[] { 0xff, 0x00, 0x01 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        Assert.Equal("malformed", (await ReceiveAsync(socket)).GetProperty("code").GetString());

        JsonElement hello = await RequestAsync(socket, """{"v":1,"id":"after","type":"hello"}""");
        Assert.Equal("hello", hello.GetProperty("type").GetString());
        Assert.Equal("after", hello.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Token_insertion_and_removal_are_pushed_as_they_happen()
    {
        using ClientWebSocket socket = await ConnectAsync(AgentWorld.PortalOrigin);

        // The agent subscribes a socket to token events before it reads the socket's first request: once a hello is
        // answered, no poll can see the new token unheard (the handshake alone completes before the subscription).
        Assert.Equal("hello", (await RequestAsync(socket, """{"v":1,"id":"subscribed","type":"hello"}""")).GetProperty("type").GetString());
        _kagi.Hsm.InitToken("agent-ws-new", "so-pin-1", "1234");
        JsonElement inserted = await ReceiveAsync(socket, TimeSpan.FromSeconds(20));
        Assert.Equal("tokenInserted", inserted.GetProperty("type").GetString());
        Assert.Equal("agent-ws-new", inserted.GetProperty("device").GetProperty("label").GetString());
        string serial = inserted.GetProperty("device").GetProperty("serial").GetString()!;

        string dir = Directory.GetDirectories(_kagi.Hsm.TokenDirectory)
            .Single(d => Encoding.ASCII.GetString(File.ReadAllBytes(Path.Combine(d, "token.object"))).Contains(serial, StringComparison.Ordinal));
        Directory.Delete(dir, recursive: true);
        JsonElement removed = await ReceiveAsync(socket, TimeSpan.FromSeconds(20));
        Assert.Equal("tokenRemoved", removed.GetProperty("type").GetString());
        Assert.Equal(serial, removed.GetProperty("device").GetProperty("serial").GetString());
    }

    [Theory]
    [InlineData("ja", "トークン一覧", "ユーザー PIN の変更")]
    [InlineData("en", "Tokens", "Change the user PIN")]
    public async Task Every_page_renders_in_both_languages(string lang, string tokensTitle, string pinTitle)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = new Uri(_agent.Url) };
        Assert.Contains($"<html lang=\"{lang}\">", await http.GetStringAsync("/?lang=" + lang), StringComparison.Ordinal);
        string tokens = await http.GetStringAsync("/tokens");
        Assert.Contains($"<h1>{tokensTitle}</h1>", tokens, StringComparison.Ordinal);
        string serial = System.Text.RegularExpressions.Regex.Match(tokens, "href=\"/tokens/([0-9a-f]+)\"").Groups[1].Value;
        Assert.Contains("agent-ws-1", await http.GetStringAsync("/tokens/" + serial), StringComparison.Ordinal);
        Assert.Contains($"<h1>{pinTitle}</h1>", await http.GetStringAsync("/pin"), StringComparison.Ordinal);

        // This agent has no server configured: the wizard says so (503) in the chosen language instead of failing.
        using HttpResponseMessage wizard = await http.GetAsync("/wizard");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, wizard.StatusCode);
        Assert.Contains("KAGI_SERVER", await wizard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/tokens/" + serial + "/certs/00")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/tokens/nosuchserial")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/static/..%2Fsecret.js")).StatusCode);
    }

    private string WsUrl => _agent.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws";

    private async Task<ClientWebSocket> ConnectAsync(string origin)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", origin);
        await socket.ConnectAsync(new Uri(WsUrl), CancellationToken.None);
        return socket;
    }

    internal static async Task<JsonElement> RequestAsync(ClientWebSocket socket, string message)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
        return await ReceiveAsync(socket);
    }

    internal static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        int length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), cts.Token);
            length += result.Count;
        }
        while (!result.EndOfMessage);
        return JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
    }

    public void Dispose()
    {
        _agent.Dispose();
        _kagi.Dispose();
    }
}
