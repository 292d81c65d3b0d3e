using System.Diagnostics;
using System.Text.RegularExpressions;
using Kagi.Testing;

namespace Kagi.Agent.BrowserTests.Infrastructure;

/// <summary>
/// The real <c>kagi agent</c> in a child process (its own SoftHSM2 environment, since the agent re-initializes the module
/// to see tokens come and go), on a free port of 127.0.0.1, with --no-browser.
/// </summary>
public sealed partial class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private AgentProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>The agent's origin, e.g. http://127.0.0.1:41234.</summary>
    public string Url { get; private set; }

    /// <summary>The port.</summary>
    public int Port => new Uri(Url).Port;

    /// <summary>What the agent printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the agent with <paramref name="runner"/>'s environment and waits until it listens.</summary>
    public static AgentProcess Start(KagiRunner runner, IEnumerable<string> allowedOrigins, string? serverUrl = null, string? serverCa = null)
    {
        var args = new List<string> { "agent", "--no-browser", "--port", "0" };
        foreach (string origin in allowedOrigins)
        {
            args.Add("--allow-origin");
            args.Add(origin);
        }

        if (serverUrl is not null)
        {
            args.AddRange(["--server", serverUrl]);
        }

        if (serverCa is not null)
        {
            args.AddRange(["--server-ca", serverCa]);
        }

        ProcessStartInfo start = runner.StartInfo([.. args]);
        Process process = Process.Start(start)!;
        process.StandardInput.Close();
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = new AgentProcess(process, string.Empty);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException("The agent exited: " + agent.Output));
                return;
            }

            agent.Append(e.Data);
            Match m = UrlPattern().Match(e.Data);
            if (m.Success)
            {
                ready.TrySetResult(m.Value);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                agent.Append(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!ready.Task.Wait(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The agent did not start: " + agent.Output);
        }

        agent.Url = ready.Task.Result;
        return agent;
    }

    private void Append(string line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex UrlPattern();
}
