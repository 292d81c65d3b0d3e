using System.Diagnostics;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// A small real tmpfs mounted over a directory (its files copied in first), which a test can fill up at an exact
/// moment to get a genuinely full file system under a SoftHSM2 token directory. Needs the right to mount (root, or
/// CAP_SYS_ADMIN); see <see cref="TmpfsFactAttribute"/>. Dispose unmounts; whatever was written there is gone then.
/// </summary>
internal sealed class TmpfsDirectory : IDisposable
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    private readonly string _filler;

    private TmpfsDirectory(string path)
    {
        Path = path;
        _filler = System.IO.Path.Combine(path, "disk-filler");
    }

    /// <summary>The mount point (the directory the tmpfs was mounted over).</summary>
    public string Path { get; }

    /// <summary>Why tmpfs cannot be mounted here, or null when it can.</summary>
    public static string? UnavailableReason => Unavailable.Value;

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (mount's syntax, e.g. "1m") over <paramref name="directory"/>, keeping its files.</summary>
    public static TmpfsDirectory Mount(string directory, string size)
    {
        string saved = directory.TrimEnd('/') + ".before-tmpfs";
        Directory.Move(directory, saved);
        Directory.CreateDirectory(directory);
        Run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", directory);
        var mounted = new TmpfsDirectory(directory);
        try
        {
            Copy(saved, directory);
            Directory.Delete(saved, recursive: true);
            return mounted;
        }
        catch
        {
            mounted.Dispose();
            throw;
        }
    }

    /// <summary>Fills the file system up to the last byte with one file; returns how many bytes it took.</summary>
    public long Fill()
    {
        long written = 0;
        using var file = new FileStream(_filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        foreach (int block in new[] { 65536, 4096, 512, 1 })
        {
            byte[] zeros = new byte[block];
            while (true)
            {
                try
                {
                    file.Write(zeros);
                    written += block;
                }
                catch (IOException)
                {
                    break; // ENOSPC
                }
            }
        }

        return written;
    }

    /// <summary>Frees the space <see cref="Fill"/> took.</summary>
    public void Free() => File.Delete(_filler);

    /// <summary>Free bytes on the file system.</summary>
    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    public void Dispose()
    {
        // A process that still has the module loaded keeps files open; a lazy unmount detaches the mount anyway.
        if (RunQuietly("umount", Path) != 0)
        {
            RunQuietly("umount", "-l", Path);
        }
    }

    private static void Copy(string from, string to)
    {
        foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, dir)));
        }

        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, file)));
        }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "tmpfs needs Linux";
        }

        string probe = Directory.CreateTempSubdirectory("kagi-tmpfs-probe-").FullName;
        try
        {
            (int exit, string output) = Execute("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe);
            if (exit != 0)
            {
                return $"mounting a tmpfs is not permitted here (mount exited {exit}: {output.Trim().Split('\n')[0]}); run the tests as root or with CAP_SYS_ADMIN";
            }

            RunQuietly("umount", probe);
            return null;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return "mount(8) cannot be run: " + e.Message;
        }
        finally
        {
            try
            {
                Directory.Delete(probe);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void Run(string command, params string[] args)
    {
        (int exit, string output) = Execute(command, args);
        if (exit != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({exit}): {output}");
        }
    }

    private static int RunQuietly(string command, params string[] args) => Execute(command, args).Exit;

    private static (int Exit, string Output) Execute(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process p = Process.Start(start)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.Result);
    }
}

/// <summary>A fact that is skipped, with the reason, where a tmpfs cannot be mounted (see <see cref="TmpfsDirectory"/>).</summary>
internal sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (TmpfsDirectory.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}
