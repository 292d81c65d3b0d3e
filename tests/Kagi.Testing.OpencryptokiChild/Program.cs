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
// that opens an fd in between. Kagi.Pkcs11 keeps a module mapped and initializes it again after a C_Finalize, which
// is what a second Pkcs11Module.Load does. Evidence and repro: scripts/dev/ock-fd-repro.
//
// Commands (the credentials come from scripts/opencryptoki.env through OpencryptokiToken, never from arguments):
//   objects     prints the token's objects (class/id/label, one per line), logged in with the documented user PIN
//   distribute  sets a random transport user PIN (SO C_InitPIN) and generates Kagi's RSA-2048 distribution key with
//               it; prints JSON: serial, manufacturer, model, publicKey (base64 SubjectPublicKeyInfo), transportPin.
//               No C_InitToken: opencryptoki 3.8 leaves the SO unable to log in after C_InitToken on an initialized
//               token with a non-default SO PIN (scripts/opencryptoki-setup.sh).
//   restore     reads object names to keep from stdin; sets the documented user PIN again (SO C_InitPIN), destroys
//               every other object and prints what is left
// Exit code 0 on success; errors go to stderr (without PINs).
using System.Text;
using System.Text.Json;
using Kagi.Pkcs11;
using Kagi.Pkcs11.Interop;
using Kagi.Testing;
using Kagi.Tokens.Keys;
using Kagi.Tokens.Provisioning;

OpencryptokiToken ock = OpencryptokiToken.Read();
try
{
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
        default:
            Console.Error.WriteLine("usage: kagi-ock-child objects|distribute|restore");
            return 2;
    }
}
catch (Exception e) when (e is Pkcs11Exception or Pkcs11ModuleLoadException or InvalidOperationException)
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

static string Hex(AttributeValue value) => value.IsAvailable ? Convert.ToHexString(value.AsBytes()) : "-";
