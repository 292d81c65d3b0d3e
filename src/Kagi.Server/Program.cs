using Kagi.Server.Hosting;

WebApplication app = KagiServerHost.Build(args);
app.Run();

/// <summary>The entry point (public for WebApplicationFactory in tests).</summary>
public partial class Program;
