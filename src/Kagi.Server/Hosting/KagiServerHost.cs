using System.Net;
using Kagi.Registry;
using Kagi.Registry.ApiKeys;
using Kagi.Registry.Data;
using Kagi.Registry.Inventory;
using Kagi.Server.Admin;
using Kagi.Server.Ca;
using Kagi.Server.ClientAuth;
using Kagi.Server.Endpoints;
using Kagi.Server.Enrollment;
using Kagi.Server.Mail;
using Kagi.Server.Options;
using Kagi.Server.Problems;
using Kagi.Server.Security;

namespace Kagi.Server.Hosting;

/// <summary>Builds the Kagi server: configuration, database, CA, TLS, services and endpoints.</summary>
public static class KagiServerHost
{
    /// <summary>Maximum request body size (CSV imports are the largest bodies).</summary>
    public const long MaxRequestBodyBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Logging levels the server ships with, below every other configuration source (appsettings, environment,
    /// command line override them): Information for the server itself and the host's lifetime messages, Warning for
    /// ASP.NET Core's per-request messages and EF Core's per-command SQL messages, which would otherwise write several
    /// lines for every request (and cost a measurable share of the issuance rate, see BENCHMARKS.md).
    /// </summary>
    internal static void AddLoggingDefaults(ConfigurationManager configuration)
    {
        configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
            },
        });
    }

    /// <summary>Creates the application; <paramref name="configure"/> lets tests adjust the builder first.</summary>
    /// <exception cref="InvalidOperationException">The configuration is unsafe or invalid (e.g. plain HTTP on a public address).</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        AddLoggingDefaults(builder.Configuration);
        configure?.Invoke(builder);
        KagiServerOptions options = builder.Configuration.GetSection(KagiServerOptions.Section).Get<KagiServerOptions>() ?? new KagiServerOptions();
        CheckListeners(builder.Configuration["urls"] ?? builder.Configuration["ASPNETCORE_URLS"], options.AllowHttpOnLoopback);
        int? clientAuthPort = null;
        if (!string.IsNullOrWhiteSpace(options.ClientAuth.Url))
        {
            (string urls, int port) = ClientAuthListener.AddTo(builder.Configuration["urls"] ?? builder.Configuration["ASPNETCORE_URLS"], options.ClientAuth.Url);
            builder.WebHost.UseUrls(urls);
            clientAuthPort = port;
        }

        string data = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(data);
        byte[] secret = SecretProtector.LoadOrCreateSecret(options.SecretKey, data);
        var secrets = new SecretProtector(secret);
        // The system clock, unless configure registered a TimeProvider (tests that move time past the server's windows).
        TimeProvider time = builder.Services.LastOrDefault(d => d.ServiceType == typeof(TimeProvider))?.ImplementationInstance as TimeProvider
            ?? TimeProvider.System;
        string caDirectory = Path.Combine(data, "ca");
        CaService ca;
        if (string.IsNullOrWhiteSpace(options.Ca.Pkcs11Module))
        {
            string password = options.Ca.KeyPassword ?? CaBootstrap.DerivePassword(secret);
            var (root, issuing) = CaBootstrap.LoadOrCreate(caDirectory, options.Ca, password, time);
            ca = new CaService(root, issuing, options, new FileCaKeyStore(caDirectory, password));
        }
        else
        {
            var (root, issuing, session) = CaBootstrap.LoadOrCreateOnToken(caDirectory, options.Ca, time);
            ca = new CaService(root, issuing, options, new TokenCaKeyStore(session));
            builder.Services.AddSingleton(session); // disposed (logout) with the host
        }

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(secrets);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(ca);
        builder.Services.AddSingleton(new CrlStore(caDirectory));
        var clientCertificates = new ClientCertificateValidator(() => ca.Authorities.All.Select(a => a.Certificate).Prepend(ca.Root), time);
        builder.Services.AddSingleton(clientCertificates);
        builder.Services.AddScoped<ClientCertificateRegistry>();
        builder.Services.AddSingleton(new Kagi.Registry.Pins.StoragePinOptions
        {
            Validity = TimeSpan.FromDays(options.StoragePin.ValidityDays),
            MaxAttempts = options.StoragePin.MaxAttempts,
            Iterations = options.StoragePin.Iterations,
        });
        builder.Services.AddSingleton(new InventoryOptions { CertificateIdPrefix = options.Profile.CertificateIdPrefix });
        string connection = options.ConnectionString ?? $"Data Source={Path.Combine(data, "kagi.db")}";
        builder.Services.AddKagiRegistry(options.DatabaseProvider, connection);
        builder.Services.AddScoped<IssuancePipeline>();
        builder.Services.AddSingleton<IssuanceRecorder>();
        builder.Services.AddHostedService(services => services.GetRequiredService<IssuanceRecorder>());
        builder.Services.AddScoped<CertificateRestore>();
        builder.Services.AddScoped<CrlPublisher>();
        builder.Services.AddHostedService<CaRefresher>();
        builder.Services.AddSingleton<IMailSender>(new SmtpMailSender(options.Mail, options.Mail.PickupDirectory ?? Path.Combine(data, "mail")));
        builder.Services.AddKagiProblems();
        builder.Services.AddKagiRateLimits(options.EnrollmentRequestsPerMinute);
        builder.Services.AddOpenApi("v1");
        builder.Services.ConfigureHttpJsonOptions(j => j.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.ConfigureHttpsDefaults(https =>
            {
                https.ServerCertificate = TlsCertificate.Create(ca, options.PublicOrigin, options.TlsCertificatePath, options.TlsCertificatePassword, time.GetUtcNow());
                https.ServerCertificateChain = [ca.Issuing.Certificate]; // clients that trust only the root can build the path
                if (clientAuthPort is int port)
                {
                    ClientAuthListener.RequireClientCertificates(https, port, clientCertificates);
                }
            });
        });

        WebApplication app = builder.Build();
        using (IServiceScope scope = app.Services.CreateScope())
        {
            KagiDbContext db = scope.ServiceProvider.GetRequiredService<KagiDbContext>();
            KagiMigrations.MigrateAsync(db).GetAwaiter().GetResult();
            ca.InitializeAsync(scope.ServiceProvider.GetRequiredService<Kagi.Registry.Authorities.IssuingAuthorityStore>(), CancellationToken.None).GetAwaiter().GetResult();
            ApiKeyAuthentication.BootstrapAsync(scope.ServiceProvider.GetRequiredService<ApiKeyService>(), db, Path.Combine(data, "operator-api-key.txt"), CancellationToken.None)
                .GetAwaiter().GetResult();
        }

        if (app.Logger.IsEnabled(LogLevel.Information))
        {
            app.Logger.LogInformation(
                "Kagi server: data in {Data}, database {Provider}, issuing CA {Issuer}; operator API key file {KeyFile}; CA root at /pki/root.pem",
                data, options.DatabaseProvider, ca.Issuing.Certificate.Subject, Path.Combine(data, "operator-api-key.txt"));
        }
        app.UseKagiProblems();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.MapOpenApi("/openapi/v1.json"); // one document: other names fall through to the not-found problem
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" })).WithTags("Health");
        app.MapEnrollmentApi();
        app.MapAdminApi();
        app.MapPkiApi();
        if (clientAuthPort is int clientAuth)
        {
            app.MapClientAuthApi(clientAuth);
        }

        app.MapPortalPage();
        return app;
    }

    /// <summary>Refuses plain-HTTP listeners unless allowed, and then only on loopback addresses.</summary>
    /// <exception cref="InvalidOperationException">An http:// URL is configured where it is not allowed.</exception>
    public static void CheckListeners(string? urls, bool allowHttpOnLoopback)
    {
        foreach (string url in (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string host = new Uri(url.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal)).Host;
            bool loopback = host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? ip) && IPAddress.IsLoopback(ip));
            if (!allowHttpOnLoopback || !loopback)
            {
                throw new InvalidOperationException(
                    $"Refusing to listen on {url}: the server speaks HTTPS; plain HTTP is only possible on a loopback address with Kagi:AllowHttpOnLoopback=true.");
            }
        }
    }
}
