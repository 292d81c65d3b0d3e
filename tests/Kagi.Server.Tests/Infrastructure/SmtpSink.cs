using System.Diagnostics;

namespace Kagi.Server.Tests.Infrastructure;

/// <summary>
/// A real SMTP server for tests: Python's aiosmtpd (Debian python3-aiosmtpd) on 127.0.0.1 and a free port,
/// storing each received message as an .eml file in a temporary folder.
/// </summary>
public sealed class SmtpSink : IDisposable
{
    private readonly Process _process;

    public SmtpSink()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("kagi-smtp-").FullName;
        Port = LoopbackPorts.Reserve(); // python binds it later: a port nothing else can take meanwhile
        string script = Path.Combine(Directory, "sink.py");
        File.WriteAllText(script, """
            import asyncio, sys, os, itertools
            from aiosmtpd.controller import Controller
            counter = itertools.count()
            class Handler:
                async def handle_DATA(self, server, session, envelope):
                    path = os.path.join(sys.argv[2], f"{next(counter):04d}.eml")
                    with open(path + ".tmp", "wb") as f:
                        f.write(envelope.original_content or envelope.content)
                    os.rename(path + ".tmp", path)
                    return "250 OK"
            controller = Controller(Handler(), hostname="127.0.0.1", port=int(sys.argv[1]))
            controller.start()
            print("ready", flush=True)
            sys.stdin.read()
            controller.stop()
            """);
        // Debian's python3-aiosmtpd belongs to the system interpreter, not to any other python3 on the PATH.
        var start = new ProcessStartInfo(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(Directory);
        _process = Process.Start(start)!;
        string? line = _process.StandardOutput.ReadLine();
        if (line != "ready")
        {
            throw new InvalidOperationException("aiosmtpd did not start: " + _process.StandardError.ReadToEnd());
        }
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>Waits until <paramref name="count"/> messages arrived and returns them (raw RFC 5322 text).</summary>
    public IReadOnlyList<string> WaitForMessages(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            string[] files = System.IO.Directory.GetFiles(Directory, "*.eml").Order(StringComparer.Ordinal).ToArray();
            if (files.Length >= count || DateTime.UtcNow > deadline)
            {
                return files.Select(File.ReadAllText).ToArray();
            }

            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            _process.Dispose();
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
