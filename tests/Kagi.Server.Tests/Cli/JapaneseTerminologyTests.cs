using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Resources;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Kagi.Server.Tests.Cli;

/// <summary>
/// The Japanese texts the user sees (the CLI's Messages.ja, the agent's texts.json, the server's mails) use the
/// glossary's terms (/work/shared/reference/README.md): 認証局運用員 for the CA operator, 初期ユーザー PIN for the transport
/// PIN, 電子証明書格納用 PIN for the storage PIN; not the variants that once mixed on the same screen.
/// </summary>
public partial class JapaneseTerminologyTests
{
    public static TheoryData<string> Sources => ["cli", "agent", "mail"];

    [Theory]
    [MemberData(nameof(Sources))]
    public void Japanese_texts_use_the_glossary_terms(string source)
    {
        IReadOnlyDictionary<string, string> texts = Japanese(source);
        Assert.NotEmpty(texts);
        foreach (var (key, text) in texts)
        {
            Assert.False(text.Contains("運用担当", StringComparison.Ordinal), $"{source} {key}: 認証局運用員, not 運用担当者: {text}");
            Assert.False(InitialPin().IsMatch(text), $"{source} {key}: 初期ユーザー PIN, not 初期 PIN: {text}");
            Assert.False(ShortStoragePin().IsMatch(text), $"{source} {key}: 電子証明書格納用 PIN, not 格納用 PIN: {text}");
        }

        Assert.Contains(texts.Values, t => t.Contains("認証局運用員", StringComparison.Ordinal));
    }

    private static Dictionary<string, string> Japanese(string source)
    {
        if (source == "agent")
        {
            using Stream stream = Assembly.Load("Kagi.Agent").GetManifestResourceStream("Kagi.Agent.texts.json")!;
            return JsonSerializer.Deserialize<Dictionary<string, string[]>>(stream)!.ToDictionary(e => e.Key, e => e.Value[1]);
        }

        (string assembly, string name) = source == "cli" ? ("kagi", "Kagi.Cli.Resources.Messages") : ("kagi-server", "Kagi.Server.Resources.MailTexts");
        ResourceSet set = new ResourceManager(name, Assembly.Load(assembly)).GetResourceSet(CultureInfo.GetCultureInfo("ja"), createIfNotExists: true, tryParents: false)!;
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
    }

    [GeneratedRegex("初期 ?PIN")]
    private static partial Regex InitialPin();

    [GeneratedRegex("(?<!電子証明書)格納用 ?PIN")]
    private static partial Regex ShortStoragePin();
}
