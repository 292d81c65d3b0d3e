namespace Kagi.Server.Tests.Cli;

/// <summary>
/// The tests of this assembly that use opencryptoki's soft token (with <see cref="Kagi.Testing.OpencryptokiLock"/>
/// against the other test assemblies). They run beside other classes again: libopencryptoki, which closed other
/// tests' sockets while it was loaded into this process (ENOTSOCK in Npgsql, "connection refused" from a Kestrel
/// listener), is only ever loaded by child processes now; see <see cref="OpencryptokiChild"/>.
/// </summary>
[CollectionDefinition("opencryptoki token")]
public sealed class OpencryptokiCollection;
