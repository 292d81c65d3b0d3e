// kagi-ock-child: the steps on opencryptoki's soft token that the tests do with Kagi's own PKCS#11 code, in a process
// of their own. Started by tests/Kagi.Server.Tests (OpencryptokiChild); never run by hand with real tokens.
//
// Why a child process: libopencryptoki 3.8.1 (Debian 12) closes file descriptors it does not own when a process
// initializes it a second time. Its API lock fd is a static (xplfd, apiutil.c) that ProcClose()
// closes in C_Finalize but never sets back to -1, so the next C_Initialize does not reopen the lock file, and the
// next C_Finalize closes whatever fd has that number by then (flock()ing it on the way). In the multi-threaded test
// process that fits the failures seen: a Kestrel listener closed ("connection refused" from a RealServer that had
// just answered), an Npgsql socket closed and its number reused by a file (ENOTSOCK). On top of that, C_Initialize loads the TPM token
// (libpkcs11_tpm -> libtspi 0.3.15), whose send_init() closes its failed tcsd socket twice: a race with any thread
// that opens an fd in between. Kagi.Pkcs11 keeps a module mapped; it used to initialize it again after a C_Finalize
// (a second Pkcs11Module.Load, the agent's poll), and now never does for opencryptoki (ModuleQuirks), which the poll
// command checks. Evidence and repro: scripts/dev/ock-fd-repro. The test processes still never load the library:
// they run other code beside it, and the libtspi race needs no second initialization.
//
// Commands (the credentials come from scripts/opencryptoki.env through OpencryptokiToken, never from arguments):
//   objects     prints the token's objects (class/id/label, one per line), logged in with the documented user PIN
//   distribute  sets a random transport user PIN (SO C_InitPIN) and generates Kagi's RSA-2048 distribution key with
//               it; prints JSON: serial, manufacturer, model, publicKey (base64 SubjectPublicKeyInfo), transportPin.
//               No C_InitToken: opencryptoki 3.8 leaves the SO unable to log in after C_InitToken on an initialized
//               token with a non-default SO PIN (scripts/opencryptoki-setup.sh).
//   restore     reads object names to keep from stdin; sets the documented user PIN again (SO C_InitPIN), destroys
//               every other object and prints what is left
//   keys        generates, with the documented user PIN, a key pair of each type Kagi makes (EC P-256 and P-384 when the
//               token offers CKM_EC_KEY_PAIR_GEN, RSA-2048) and an RSA-2048 distribution key (not CKA_PRIVATE) with
//               TokenKeyGenerator, reads their attributes back and destroys them; prints JSON: for each key
//               "private"/"public" attribute name -> true/false/null (not available), or "error" (the CKR name).
//   poll N      the product's paths that used to re-initialize the module, N rounds each, in a long-lived process
//               that opens a listening socket after every round: the agent's DeviceHub.PollAsync, ModuleSet
//               Open/Dispose (a module loaded again), kagi watch's TokenWatcher with ModuleSet.Rescan. Prints JSON:
//               lockFd and lockFdAtEnd (opencryptoki's API lock file after the first load, and what that fd is at
//               the end), rounds, tokenSeen (every path listed the token), listeners, changed (fds open after the
//               first round that were closed or replaced at the end), refused (listeners that no longer accept a
//               connection). No login.
// Exit code 0 on success; errors go to stderr (without PINs).
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Kagi.Agent.Devices;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;
using Kagi.Testing;
using Kagi.Tokens;
using Kagi.Tokens.Events;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Modules;
using Kagi.Tokens.Provisioning;
using Kagi.Tokens.Tokens;

OpencryptokiToken ock = OpencryptokiToken.Read();
try
{
    if (args.FirstOrDefault() == "poll")
    {
        // Before any other load of the module in this process: the paths below must be the ones initializing it.
        return await PollAsync(ock, args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5);
    }

    using Pkcs11Module module = Pkcs11Module.Load(ock.Module);
    Slot slot = module.GetSlots(tokenPresent: true).Single(s => s.GetTokenInfo().Label.Trim() == ock.Label);
    switch (args.FirstOrDefault())
    {
        case "objects":
            foreach (string name in Objects(slot, ock.UserPin, keep: null))
            {
                Console.WriteLine(name);
            }

            return 0;
        case "distribute":
            using (PinBuffer transport = TokenDistributor.RandomPin(8))
            {
                using (Session so = slot.OpenSession(readWrite: true))
                {
                    so.Login(CKU.CKU_SO, Encoding.UTF8.GetBytes(ock.SoPin));
                    so.InitPin(transport.Bytes);
                    so.Logout();
                }

                byte[] publicKey;
                using (Session user = slot.OpenSession(readWrite: true))
                {
                    user.Login(CKU.CKU_USER, transport.Bytes);
                    publicKey = DistributionKey.Generate(user, KeySpec.Rsa2048);
                    user.Logout();
                }

                CkTokenInfo info = slot.GetTokenInfo();
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["serial"] = info.SerialNumber.Trim(),
                    ["manufacturer"] = info.ManufacturerId.Trim(),
                    ["model"] = info.Model.Trim(),
                    ["publicKey"] = Convert.ToBase64String(publicKey),
                    ["transportPin"] = Encoding.UTF8.GetString(transport.Bytes),
                }));
            }

            return 0;
        case "restore":
            var keep = new HashSet<string>(Console.In.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
            using (Session so = slot.OpenSession(readWrite: true))
            {
                so.Login(CKU.CKU_SO, Encoding.UTF8.GetBytes(ock.SoPin));
                so.InitPin(Encoding.UTF8.GetBytes(ock.UserPin));
                so.Logout();
            }

            foreach (string name in Objects(slot, ock.UserPin, keep))
            {
                Console.WriteLine(name);
            }

            return 0;
        case "keys":
            Console.WriteLine(JsonSerializer.Serialize(Keys(slot, ock.UserPin)));
            return 0;
        default:
            Console.Error.WriteLine("usage: kagi-ock-child objects|distribute|restore|keys|poll N");
            return 2;
    }
}
catch (Exception e) when (e is Pkcs11Exception or Pkcs11ModuleLoadException or InvalidOperationException or KagiException)
{
    Console.Error.WriteLine($"kagi-ock-child {string.Join(' ', args)}: {e.GetType().Name}: {e.Message}");
    return 1;
}

// The objects (class/id/label) on the token; with keep, destroys every object not in it and returns the rest.
static List<string> Objects(Slot slot, string userPin, HashSet<string>? keep)
{
    using Session session = slot.OpenSession(readWrite: true);
    session.Login(CKU.CKU_USER, Encoding.UTF8.GetBytes(userPin));
    var names = new List<string>();
    foreach (ulong handle in session.FindObjects().ToArray())
    {
        string name = $"{session.GetAttribute(handle, CKA.CKA_CLASS).AsULong()}/{Hex(session.GetAttribute(handle, CKA.CKA_ID))}/{Hex(session.GetAttribute(handle, CKA.CKA_LABEL))}";
        if (keep is not null && !keep.Contains(name))
        {
            session.DestroyObject(handle);
        }
        else
        {
            names.Add(name);
        }
    }

    session.Logout();
    return names;
}

// The keys command (see the top of this file).
static Dictionary<string, object> Keys(Slot slot, string userPin)
{
    (string Name, ulong Type)[] privateAttributes =
    [
        ("CKA_SIGN", CKA.CKA_SIGN), ("CKA_SIGN_RECOVER", CKA.CKA_SIGN_RECOVER), ("CKA_DECRYPT", CKA.CKA_DECRYPT),
        ("CKA_UNWRAP", CKA.CKA_UNWRAP), ("CKA_DERIVE", CKA.CKA_DERIVE), ("CKA_SENSITIVE", CKA.CKA_SENSITIVE),
        ("CKA_EXTRACTABLE", CKA.CKA_EXTRACTABLE), ("CKA_ALWAYS_SENSITIVE", CKA.CKA_ALWAYS_SENSITIVE),
        ("CKA_NEVER_EXTRACTABLE", CKA.CKA_NEVER_EXTRACTABLE), ("CKA_PRIVATE", CKA.CKA_PRIVATE), ("CKA_TOKEN", CKA.CKA_TOKEN),
    ];
    (string Name, ulong Type)[] publicAttributes =
    [
        ("CKA_VERIFY", CKA.CKA_VERIFY), ("CKA_VERIFY_RECOVER", CKA.CKA_VERIFY_RECOVER), ("CKA_ENCRYPT", CKA.CKA_ENCRYPT),
        ("CKA_WRAP", CKA.CKA_WRAP), ("CKA_DERIVE", CKA.CKA_DERIVE), ("CKA_PRIVATE", CKA.CKA_PRIVATE), ("CKA_TOKEN", CKA.CKA_TOKEN),
    ];
    bool ec = slot.GetMechanisms().Contains(CKM.CKM_EC_KEY_PAIR_GEN);
    var keys = new List<(string Name, KeySpec Spec, bool NeedsLogin)>();
    if (ec)
    {
        keys.Add(("EcP256", KeySpec.EcP256, true));
        keys.Add(("EcP384", KeySpec.EcP384, true));
    }

    keys.Add(("Rsa2048", KeySpec.Rsa2048, true));
    keys.Add(("distribution", KeySpec.Rsa2048, false));
    var report = new Dictionary<string, object>();
    using Session session = slot.OpenSession(readWrite: true);
    session.Login(CKU.CKU_USER, Encoding.UTF8.GetBytes(userPin));
    try
    {
        foreach ((string name, KeySpec spec, bool needsLogin) in keys)
        {
            byte[] id = System.Security.Cryptography.RandomNumberGenerator.GetBytes(8);
            try
            {
                TokenKeyPair pair = TokenKeyGenerator.Generate(session, spec, "kagi-ock-child keys", id, needsLogin);
                report[name] = new Dictionary<string, object>
                {
                    ["private"] = Read(session, pair.PrivateKey, privateAttributes),
                    ["public"] = Read(session, pair.PublicKey, publicAttributes),
                };
                session.DestroyObject(pair.PrivateKey);
                session.DestroyObject(pair.PublicKey);
            }
            catch (Pkcs11Exception e)
            {
                report[name] = new Dictionary<string, object> { ["error"] = CkrNames.Name(e.Result) };
            }
        }
    }
    finally
    {
        session.Logout();
    }

    return report;
}

static Dictionary<string, bool?> Read(Session session, ulong handle, (string Name, ulong Type)[] attributes)
{
    IReadOnlyList<AttributeValue> values = session.GetAttributes(handle, [.. attributes.Select(a => a.Type)]);
    return attributes.Select((a, i) => (a.Name, Value: values[i].IsAvailable ? values[i].AsBool() : (bool?)null))
        .ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal);
}

static string Hex(AttributeValue value) => value.IsAvailable ? Convert.ToHexString(value.AsBytes()) : "-";

// The poll command (see the top of this file).
static async Task<int> PollAsync(OpencryptokiToken ock, int rounds)
{
    // Warm up the socket code first, so that the runtime opens nothing new between the steps below.
    FileDescriptors.WarmUpSockets();

    var settings = new KagiSettings { Module = (ock.Module, ModuleSource.Option) };
    var listeners = new List<(TcpListener Listener, int Fd, int Port)>();
    bool seen = true;
    using var hub = new DeviceHub(settings);
    int lockFd = FileDescriptors.ApiLockFd(FileDescriptors.Open());
    await hub.PollAsync(CancellationToken.None);
    seen &= hub.Current.Any(t => t.Label == ock.Label);

    // After each round a new listening socket, as the agent's listener and its browsers' WebSockets are opened
    // while it polls: when a round finalized opencryptoki, the next one takes the number of a descriptor it closed.
    Listen(listeners);
    Dictionary<int, string> before = FileDescriptors.Open();

    // The agent: DeviceHub.PollAsync (DevicePoller).
    for (int i = 1; i < rounds; i++)
    {
        await hub.PollAsync(CancellationToken.None);
        seen &= hub.Current.Any(t => t.Label == ock.Label);
        Listen(listeners);
    }

    // A process that opens the module again and again (CLI code, the server's CA token session): ModuleSet.Open and
    // Dispose while the hub still holds the module, then without it.
    for (int i = 0; i < rounds; i++)
    {
        using (ModuleSet set = ModuleSet.Open(settings))
        {
            seen &= new TokenDirectory(set).List().Any(t => t.Info.Label == ock.Label);
        }

        Listen(listeners);
    }

    hub.Dispose();
    Listen(listeners);
    for (int i = 0; i < rounds; i++)
    {
        using (ModuleSet set = ModuleSet.Open(settings))
        {
            seen &= new TokenDirectory(set).List().Any(t => t.Info.Label == ock.Label);
        }

        Listen(listeners);
    }

    // kagi watch: TokenWatcher rounds with ModuleSet.Rescan before each.
    using (ModuleSet set = ModuleSet.Open(settings))
    {
        using var stop = new CancellationTokenSource();
        int watched = 0;
        TokenWatcher watcher = TokenWatcher.For(new TokenDirectory(set), () =>
        {
            set.Rescan();
            if (++watched >= rounds)
            {
                stop.Cancel();
            }
        });
        bool inserted = false;
        await foreach (TokenEvent e in watcher.WatchAsync(TimeSpan.FromMilliseconds(10), includeInitial: true, stop.Token))
        {
            inserted |= e.Kind == TokenEventKind.Inserted && e.Token.Label == ock.Label;
            Listen(listeners);
        }

        seen &= inserted;
    }

    Dictionary<int, string> after = FileDescriptors.Open();
    var changed = FileDescriptors.Changed(before, after).Select(c => $"{c.Fd} ({c.Was}) is {c.Now ?? "CLOSED"}").ToList();
    var refused = listeners.Select(l => (l.Fd, Result: FileDescriptors.Connect(l.Port)))
        .Where(x => x.Result != "OK")
        .Select(x => $"listener fd {x.Fd}: {x.Result}")
        .ToList();
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["lockFd"] = lockFd,
        ["lockFdAtEnd"] = lockFd >= 0 && after.TryGetValue(lockFd, out string? target) ? target : "CLOSED",
        ["rounds"] = rounds,
        ["tokenSeen"] = seen,
        ["listeners"] = listeners.Count,
        ["changed"] = changed,
        ["refused"] = refused,
    }));
    foreach ((TcpListener l, _, _) in listeners)
    {
        try
        {
            l.Dispose();
        }
        catch (SocketException)
        {
            // Its descriptor was closed underneath it.
        }
    }

    return 0;
}

static void Listen(List<(TcpListener Listener, int Fd, int Port)> listeners)
{
    var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    listeners.Add((listener, (int)listener.Server.Handle, ((IPEndPoint)listener.LocalEndpoint).Port));
}
