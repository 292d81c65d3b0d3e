using System.Security.Cryptography.X509Certificates;

namespace Kagi.Ca.Tests.Support;

/// <summary>A temporary directory for files handed to openssl; deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Path = Directory.CreateTempSubdirectory("kagi-ca-").FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string text)
    {
        string path = File(name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public string Write(string name, byte[] data)
    {
        string path = File(name);
        System.IO.File.WriteAllBytes(path, data);
        return path;
    }

    /// <summary>Writes a certificate as PEM.</summary>
    public string Write(string name, X509Certificate2 certificate) => Write(name, certificate.ExportCertificatePem() + "\n");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
