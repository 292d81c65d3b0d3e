using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Kagi.Server.Tests.Infrastructure;

/// <summary>
/// Loopback ports for test listeners that bind some time after the port is chosen: Kestrel only once the server is built
/// (migrations, CA; seconds on a loaded machine) and again after a stop, the SMTP sink in its own process. "Bind port
/// 0, close, bind again later" leaves that time open to any other bind(0) on the machine, including those of the other
/// test assemblies running beside this one. These ports come from outside the kernel's ephemeral range
/// (net.ipv4.ip_local_port_range), which bind(0) and connect() never hand out, and each is reserved for the life of
/// the test process by an exclusive lock on a file in the temporary folder, so neither another test process nor this
/// one hands it out again (a stopped server restarts on its port).
/// </summary>
internal static class LoopbackPorts
{
    private const int LowestPort = 20000;
    private static readonly List<FileStream> Reserved = [];

    /// <summary>A loopback port no one listens on, reserved for this process until it ends.</summary>
    /// <exception cref="InvalidOperationException">No port could be reserved.</exception>
    public static int Reserve()
    {
        (int first, int last) = Candidates();
        // Per user: a folder another user created would refuse this user's lock files.
        string folder = Path.Combine(Path.GetTempPath(), "kagi-test-ports-" + Environment.UserName);
        Directory.CreateDirectory(folder);
        lock (Reserved)
        {
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                int port = Random.Shared.Next(first, last + 1);
                FileStream reservation;
                try
                {
                    // The lock files are never deleted: deleting one could let two processes lock two files of one name.
                    reservation = new FileStream(Path.Combine(folder, port.ToString(CultureInfo.InvariantCulture)), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException)
                {
                    continue; // reserved by another test process
                }

                if (IsFree(port))
                {
                    Reserved.Add(reservation);
                    return port;
                }

                reservation.Dispose(); // some other program listens there
            }
        }

        throw new InvalidOperationException($"No free loopback port could be reserved in {first}-{last}.");
    }

    /// <summary>The ports below (or else above) the ephemeral range.</summary>
    private static (int First, int Last) Candidates()
    {
        int low = 32768;
        int high = 60999;
        string range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(range))
        {
            string[] parts = File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            low = int.Parse(parts[0], CultureInfo.InvariantCulture);
            high = int.Parse(parts[1], CultureInfo.InvariantCulture);
        }

        if (low - LowestPort >= 1000)
        {
            return (LowestPort, low - 1);
        }

        if (65535 - high >= 1000)
        {
            return (high + 1, 65535);
        }

        throw new InvalidOperationException($"The ephemeral port range {low}-{high} leaves no room for test listeners.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
