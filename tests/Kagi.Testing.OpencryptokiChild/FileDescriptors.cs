// This process's file descriptors, for the checks that libopencryptoki closes none it does not own. One source file for
// kagi-ock-child's poll command (this project) and scripts/dev/ock-fd-repro (linked into it with <Compile Include>).
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Kagi.Testing;

internal static partial class FileDescriptors
{
    /// <summary>
    /// Opens a loopback listener and connects to it once, so that the runtime's socket code (and what it opens) is loaded
    /// before descriptors are compared.
    /// </summary>
    public static void WarmUpSockets()
    {
        using var warm = new TcpListener(IPAddress.Loopback, 0);
        warm.Start();
        using var client = new TcpClient();
        client.Connect((IPEndPoint)warm.LocalEndpoint);
        warm.Stop();
    }

    /// <summary>This process's open file descriptors and what they point to (the link in /proc/self/fd).</summary>
    public static Dictionary<int, string> Open() =>
        Directory.GetFiles("/proc/self/fd")
            .Select(p => int.Parse(Path.GetFileName(p), CultureInfo.InvariantCulture))
            .Select(n => (n, t: Target(n)))
            .Where(x => x.t is not null)
            .ToDictionary(x => x.n, x => x.t!);

    /// <summary>What <paramref name="fd"/> points to, or null when it is not open.</summary>
    public static string? Target(int fd)
    {
        var buffer = new byte[512];
        long n = ReadLink($"/proc/self/fd/{fd}", buffer, buffer.Length);
        return n < 0 ? null : Encoding.UTF8.GetString(buffer, 0, (int)n);
    }

    /// <summary>The descriptor of opencryptoki's API lock file (/var/lock/opencryptoki/LCK..APIlock) in <paramref name="fds"/>, or -1.</summary>
    public static int ApiLockFd(IReadOnlyDictionary<int, string> fds) =>
        fds.Where(kv => kv.Value.EndsWith("LCK..APIlock", StringComparison.Ordinal)).Select(kv => kv.Key).DefaultIfEmpty(-1).First();

    /// <summary>
    /// The descriptors of <paramref name="before"/> that are closed (Now null) or point elsewhere in
    /// <paramref name="after"/>, in the order of <paramref name="before"/>.
    /// </summary>
    public static IEnumerable<(int Fd, string Was, string? Now)> Changed(IReadOnlyDictionary<int, string> before, IReadOnlyDictionary<int, string> after) =>
        before.Where(kv => !after.TryGetValue(kv.Key, out string? now) || now != kv.Value)
            .Select(kv => (kv.Key, kv.Value, after.TryGetValue(kv.Key, out string? now) ? now : null));

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>: "OK", or the socket error.</summary>
    public static string Connect(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return "OK";
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode + ": " + e.Message;
        }
    }

    [LibraryImport("libc", EntryPoint = "readlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial long ReadLink(string path, byte[] buffer, long size);
}
