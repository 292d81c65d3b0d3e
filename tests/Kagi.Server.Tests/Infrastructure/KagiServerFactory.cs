using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Kagi.Server.Tests.Infrastructure;

/// <summary>
/// The real server in a test host (WebApplicationFactory) on a private data folder, with SQLite or a PostgreSQL
/// database of its own. Several factories can share one data folder and database to act as several instances.
/// </summary>
public sealed class KagiServerFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public KagiServerFactory(ServerDatabase database, string? dataDirectory = null, string? secretKey = null, IDictionary<string, string?>? extra = null)
    {
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("kagi-server-").FullName;
        Database = database;
        _settings = new Dictionary<string, string?>
        {
            ["Kagi:DataDirectory"] = DataDirectory,
            ["Kagi:DatabaseProvider"] = database.Provider,
            ["Kagi:ConnectionString"] = database.ConnectionString,
            ["Kagi:SecretKey"] = secretKey ?? Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Kagi:PublicOrigin"] = "https://kagi.test",
            ["Kagi:StoragePin:Iterations"] = "1000",
            ["Kagi:EnrollmentRequestsPerMinute"] = "100000",
            ["Kagi:Mail:PickupDirectory"] = Path.Combine(DataDirectory, "mail"),
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>())
        {
            _settings[k] = v;
        }
    }

    public string DataDirectory { get; }

    /// <summary>A clock for the server instead of the system clock (for windows of 30 minutes and more).</summary>
    public TimeProvider? Time { get; init; }

    public ServerDatabase Database { get; }

    public string SecretKey => _settings["Kagi:SecretKey"]!;

    public string OperatorApiKey => File.ReadAllText(Path.Combine(DataDirectory, "operator-api-key.txt")).Trim();

    public string MailDirectory => Path.Combine(DataDirectory, "mail");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Testing");
        if (Time is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(Time));
        }
    }
}
