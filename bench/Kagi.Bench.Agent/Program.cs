using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Kagi.Agent.Hosting;
using Kagi.Tokens.Modules;

// kagi-bench-agent: run by bench/run-agent.sh with SOFTHSM2_CONF pointing at a throw-away token folder.
//   1. WebSocket round trips on one connection, interleaved: "devices" (PKCS#11 slot list + token info) against
//      "hello" (same socket, same JSON path, no token access) as the baseline; and HTTP GET /static/agent.css on the
//      same server as a second baseline.
//   2. Insertion/removal to event: a token is created (softhsm2-util) or its folder removed; the time until the event
//      arrives on a connected WebSocket client, against the agent's poll interval.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int count = int.Parse(Environment.GetEnvironmentVariable("BENCH_COUNT") ?? "2000");
int warmup = int.Parse(Environment.GetEnvironmentVariable("BENCH_WARMUP") ?? "300");
int events = int.Parse(Environment.GetEnvironmentVariable("BENCH_EVENTS") ?? "20");
string conf = Environment.GetEnvironmentVariable("SOFTHSM2_CONF") ?? throw new InvalidOperationException("SOFTHSM2_CONF is not set");
string tokenDir = File.ReadAllLines(conf).First(l => l.StartsWith("directories.tokendir", StringComparison.Ordinal)).Split('=')[1].Trim();

var options = new AgentOptions { Port = 0, OpenBrowser = false, AllowedOrigins = ["https://portal.bench.test"] };
await using RunningAgent agent = await AgentHost.StartAsync(options, new KagiSettings { Module = ("/usr/lib/softhsm/libsofthsm2.so", ModuleSource.Option) });
Uri ws = new(agent.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws");

using var socket = new ClientWebSocket();
socket.Options.SetRequestHeader("Origin", "https://portal.bench.test");
await socket.ConnectAsync(ws, CancellationToken.None);
using var http = new HttpClient { BaseAddress = new Uri(agent.Url) };

byte[] hello = Encoding.UTF8.GetBytes("""{"v":1,"id":"h","type":"hello"}""");
byte[] devices = Encoding.UTF8.GetBytes("""{"v":1,"id":"d","type":"devices"}""");
var buffer = new byte[64 * 1024];

async Task<string> Receive(ClientWebSocket s, CancellationToken ct)
{
    int length = 0;
    ValueWebSocketReceiveResult r;
    do
    {
        r = await s.ReceiveAsync(buffer.AsMemory(length), ct);
        length += r.Count;
    }
    while (!r.EndOfMessage);
    return Encoding.UTF8.GetString(buffer, 0, length);
}

async Task<double> RoundTrip(byte[] message, string expectType)
{
    long start = Stopwatch.GetTimestamp();
    await socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None);
    string reply;
    do
    {
        reply = await Receive(socket, CancellationToken.None);
    }
    while (!reply.Contains($"\"type\":\"{expectType}\"", StringComparison.Ordinal)); // skip pushed events
    return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}

async Task<double> HttpGet()
{
    long start = Stopwatch.GetTimestamp();
    using HttpResponseMessage response = await http.GetAsync("/static/agent.css");
    await response.Content.ReadAsByteArrayAsync();
    return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}

var d = new List<double>();
var h = new List<double>();
var g = new List<double>();
for (int i = 0; i < warmup + count; i++)
{
    // Alternate the order each iteration so drifts in machine load favour neither side.
    double a, b, c;
    if (i % 2 == 0)
    {
        a = await RoundTrip(devices, "devices");
        b = await RoundTrip(hello, "hello");
        c = await HttpGet();
    }
    else
    {
        c = await HttpGet();
        b = await RoundTrip(hello, "hello");
        a = await RoundTrip(devices, "devices");
    }

    if (i >= warmup)
    {
        d.Add(a);
        h.Add(b);
        g.Add(c);
    }
}

int tokensBefore = JsonDocument.Parse(await SendAndGet(devices, "devices")).RootElement.GetProperty("devices").GetArrayLength();

async Task<string> SendAndGet(byte[] message, string type)
{
    await socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None);
    string reply;
    do
    {
        reply = await Receive(socket, CancellationToken.None);
    }
    while (!reply.Contains($"\"type\":\"{type}\"", StringComparison.Ordinal));
    return reply;
}

var inserted = new List<double>();
var removed = new List<double>();
for (int i = 0; i < events; i++)
{
    string label = $"bench-{i}";
    var before = Directory.GetDirectories(tokenDir).ToHashSet();
    var init = Process.Start(new ProcessStartInfo("softhsm2-util", ["--init-token", "--free", "--label", label, "--so-pin", "bench-so", "--pin", "bench-user"]) { RedirectStandardOutput = true })!;
    await init.WaitForExitAsync();
    long t0 = Stopwatch.GetTimestamp(); // the token exists from here on
    await WaitFor("tokenInserted", label);
    inserted.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);

    string created = Directory.GetDirectories(tokenDir).Single(x => !before.Contains(x));
    Directory.Delete(created, recursive: true);
    long t1 = Stopwatch.GetTimestamp();
    await WaitFor("tokenRemoved", label);
    removed.Add(Stopwatch.GetElapsedTime(t1).TotalMilliseconds);
}

async Task WaitFor(string type, string label)
{
    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
    while (true)
    {
        string message = await Receive(socket, cts.Token);
        if (message.Contains($"\"type\":\"{type}\"", StringComparison.Ordinal) && message.Contains($"\"label\":\"{label}\"", StringComparison.Ordinal))
        {
            return;
        }
    }
}

static double P(List<double> v, double p)
{
    var s = v.OrderBy(x => x).ToArray();
    return s[Math.Min(s.Length - 1, (int)Math.Ceiling(p * s.Length) - 1)];
}

double poll = options.PollInterval.TotalMilliseconds;
Console.WriteLine($"| measurement | n | p50 ms | p99 ms | p50 ratio | p99 ratio |");
Console.WriteLine($"| --- | --- | --- | --- | --- | --- |");
Console.WriteLine($"| WS `hello` round trip (baseline) | {h.Count} | {P(h, .5):F3} | {P(h, .99):F3} | 1.00 | 1.00 |");
Console.WriteLine($"| WS `devices` round trip ({tokensBefore} tokens) | {d.Count} | {P(d, .5):F3} | {P(d, .99):F3} | {P(d, .5) / P(h, .5):F2} × hello | {P(d, .99) / P(h, .99):F2} × hello |");
Console.WriteLine($"| HTTP GET /static/agent.css (second baseline) | {g.Count} | {P(g, .5):F3} | {P(g, .99):F3} | {P(d, .5) / P(g, .5):F2} devices/GET | {P(d, .99) / P(g, .99):F2} devices/GET |");
Console.WriteLine($"| token inserted → event on the socket | {inserted.Count} | {P(inserted, .5):F1} | {P(inserted, .99):F1} | {P(inserted, .5) / poll:F2} × poll interval | {P(inserted, .99) / poll:F2} × poll interval |");
Console.WriteLine($"| token removed → event on the socket | {removed.Count} | {P(removed, .5):F1} | {P(removed, .99):F1} | {P(removed, .5) / poll:F2} × poll interval | {P(removed, .99) / poll:F2} × poll interval |");
Console.WriteLine();
Console.WriteLine($"poll interval {poll} ms; {count} timed round trips of each kind after {warmup} untimed; {events} insert/remove cycles.");
