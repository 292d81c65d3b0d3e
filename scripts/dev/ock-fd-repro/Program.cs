// ock-fd-repro: libopencryptoki 3.8.1 (Debian 12) closes a file descriptor it does not own when a process
// initializes it a second time. Kagi.Pkcs11 used to do that (Pkcs11Module.Load/Dispose twice, the agent's poll);
// since ModuleQuirks it initializes opencryptoki once per process, so this program calls C_Initialize/C_Finalize
// through the raw binding (Pkcs11Library, kept loaded as Pkcs11Module keeps it) to show the library's behaviour.
// The product-level check is kagi-ock-child poll (tests/Kagi.Server.Tests, OpencryptokiPollTests).
//
// Cause (apiutil.c of the library): the API lock fd is a static, xplfd. CreateProcLock() opens
// /var/lock/opencryptoki/LCK..APIlock only while xplfd == -1; ProcClose() (from C_Finalize) closes xplfd but never
// sets it back to -1. So the second C_Initialize keeps the stale number, flock()s whatever fd has it by then, and the
// second C_Finalize closes that fd. Kagi.Pkcs11 keeps the library mapped, so the static survives Load/Dispose.
//
// This program: one Load/Dispose cycle; a listening socket (as RealServer's Kestrel listener), which gets the
// number just freed; a client connects; more cycles; each time, every fd that was open before is checked and the
// client connects again. Expected output on Debian 12:
//   static: cycle 1: opencryptoki's API lock file was fd 57; after C_Finalize fd 57 is CLOSED
//   static: listener on 127.0.0.1:38971 is fd 57 -> socket:[835649]
//   static: connect to the listener: OK
//   static: cycle 2: fd 57 (socket:[835649]), open before C_Initialize, is CLOSED after C_Finalize
//   static: cycle 2: connect to the listener: ConnectionRefused: Connection refused [::ffff:127.0.0.1]:38971
// Who closes it: strace -f -k -e trace=close,flock dotnet bin/Release/net10.0/ock-fd-repro.dll
//   ... close(57) = 0  > libopencryptoki.so.0.0.0(ProcClose+0x14)  > libopencryptoki.so.0.0.0(C_Finalize+0x148)
//
// A second, racy fault in the same library stack: each C_Initialize loads the TPM token (slot 0 of the stock
// opencryptoki.conf), whose libtspi 0.3.15 closes its failed socket to tcsd twice:
//   strace -f -k -e trace=close pkcs11-tool --module /usr/lib/x86_64-linux-gnu/pkcs11/libopencryptoki.so -L
//   close(5) = 0      > libtspi.so.1.2.0(get_socket+0x106) > send_init > ... > Tspi_Context_Connect > libpkcs11_tpm ...
//   close(5) = -1 EBADF > libtspi.so.1.2.0(send_init+0x36) > ... > DL_Load_and_Init > C_Initialize
// Harmless in a single-threaded tool; in a multi-threaded process another thread can get fd 5 in between.
//
// Usage: dotnet run -c Release [-- module-path [cycles]]   (exit code 1 when an fd was closed underneath it;
// SoftHSM2, /usr/lib/softhsm/libsofthsm2.so, is a control: 0)
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Kagi.Pkcs11.Interop;
using Kagi.Testing;

string module = args.Length > 0 ? args[0] : "/usr/lib/x86_64-linux-gnu/pkcs11/libopencryptoki.so";
int cycles = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;

// Warm up the socket code and the console first, so that the runtime opens nothing new between the steps below.
FileDescriptors.WarmUpSockets();

Console.Error.WriteLine($"static: module {module}");
if (!Pkcs11Library.TryLoad(module, out Pkcs11Library? library, out ModuleLoadFailure? failure))
{
    Console.Error.WriteLine($"static: cannot load {module}: {failure}");
    return 2;
}

int lockFd = -1;
Cycle(library!, () => lockFd = FileDescriptors.ApiLockFd(FileDescriptors.Open()));

string afterFinalize = lockFd < 0 ? "-" : Target(lockFd);
using var listener = new TcpListener(IPAddress.Loopback, 0);
listener.Start();
int port = ((IPEndPoint)listener.LocalEndpoint).Port;
int fd = (int)listener.Server.Handle;
Console.Error.WriteLine($"static: cycle 1: opencryptoki's API lock file was fd {lockFd}; after C_Finalize fd {lockFd} is {afterFinalize}");
Console.Error.WriteLine($"static: listener on 127.0.0.1:{port} is fd {fd} -> {Target(fd)}");
Console.Error.WriteLine($"static: connect to the listener: {FileDescriptors.Connect(port)}");
int broken = 0;
for (int c = 2; c <= cycles; c++)
{
    Dictionary<int, string> before = FileDescriptors.Open();
    Cycle(library!, () => { });

    foreach ((int n, string t, string? t2) in FileDescriptors.Changed(before, FileDescriptors.Open()))
    {
        broken++;
        Console.Error.WriteLine($"static: cycle {c}: fd {n} ({t}), open before C_Initialize, is {t2 ?? "CLOSED"} after C_Finalize");
    }

    Console.Error.WriteLine($"static: cycle {c}: connect to the listener: {FileDescriptors.Connect(port)}");
}

Console.Error.WriteLine($"static: {broken} fd(s) changed underneath this program");
return broken == 0 ? 0 : 1;

// C_Initialize, C_GetSlotList, then C_Finalize: what Pkcs11Module.Load and the last Dispose did.
static void Cycle(Pkcs11Library library, Action whileInitialized)
{
    Console.Error.WriteLine($"static: C_Initialize: {library.C_Initialize(osLocking: true)}");
    ulong count = 0;
    _ = library.C_GetSlotList(true, null, ref count);
    whileInitialized();
    Console.Error.WriteLine($"static: C_Finalize: {library.C_Finalize()}");
}

// What an fd points to, "CLOSED" when it is not open.
static string Target(int fd) => FileDescriptors.Target(fd) ?? "CLOSED";
