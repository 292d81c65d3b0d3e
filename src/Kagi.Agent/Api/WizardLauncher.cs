using System.Diagnostics;
using Kagi.Agent.Hosting;
using Kagi.Agent.Security;

namespace Kagi.Agent.Api;

/// <summary>Opens the agent's own pages in the user's browser (never a portal page: PINs are typed only into the agent's pages).</summary>
public sealed class WizardLauncher(AgentOptions options, AgentOrigins origins)
{
    /// <summary>The wizard's URL and whether a browser was started for it (false when the agent runs with --no-browser).</summary>
    public (string Url, bool Opened) OpenWizard()
    {
        string url = origins.Own + "/wizard";
        return (url, options.OpenBrowser && Open(url));
    }

    /// <summary>Starts the desktop's URL opener (xdg-open, open, or the shell on Windows); false when none could be started.</summary>
    public static bool Open(string url)
    {
        try
        {
            ProcessStartInfo start = OperatingSystem.IsWindows() ? new ProcessStartInfo(url) { UseShellExecute = true }
                : OperatingSystem.IsMacOS() ? new ProcessStartInfo("open", [url])
                : new ProcessStartInfo("xdg-open", [url]);
            using Process? process = Process.Start(start);
            return process is not null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
