using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Kagi.Agent.Ui;

/// <summary>
/// The UI texts in Japanese (default) and English, from the embedded Resources/texts.json (key → [English, Japanese]).
/// The language comes from <c>?lang=ja|en</c>, remembered in the <c>kagi-lang</c> cookie (a display preference, not a credential).
/// </summary>
public sealed class Texts
{
    private static readonly Dictionary<string, string[]> All = Load();

    private Texts(bool english) => English = english;

    /// <summary>True for English, false for Japanese.</summary>
    public bool English { get; }

    /// <summary>The language code for the html lang attribute.</summary>
    public string Code => English ? "en" : "ja";

    /// <summary>The text for <paramref name="key"/> in this language.</summary>
    /// <exception cref="KeyNotFoundException">No such text (a programming error caught by the tests).</exception>
    public string this[string key] => All.TryGetValue(key, out string[]? pair) ? pair[English ? 0 : 1] : throw new KeyNotFoundException(key);

    /// <summary>The text for <paramref name="key"/> with <paramref name="args"/> inserted.</summary>
    public string Format(string key, params object?[] args) => string.Format(CultureInfo.InvariantCulture, this[key], args);

    /// <summary>Every key (for the completeness test).</summary>
    public static IReadOnlyCollection<string> Keys => All.Keys;

    /// <summary>The language of <paramref name="context"/>'s request, remembering an explicit choice in a cookie.</summary>
    public static Texts For(HttpContext context)
    {
        string? lang = context.Request.Query["lang"];
        if (lang is "ja" or "en")
        {
            context.Response.Cookies.Append("kagi-lang", lang, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
        }
        else
        {
            lang = context.Request.Cookies["kagi-lang"];
        }

        return lang == "en" ? EnglishTexts : JapaneseTexts;
    }

    /// <summary>Japanese texts.</summary>
    public static Texts JapaneseTexts { get; } = new(false);

    /// <summary>English texts.</summary>
    public static Texts EnglishTexts { get; } = new(true);

    private static Dictionary<string, string[]> Load()
    {
        using Stream stream = typeof(Texts).Assembly.GetManifestResourceStream("Kagi.Agent.texts.json")
            ?? throw new InvalidOperationException("texts.json is not embedded");
        Dictionary<string, string[]> texts = JsonSerializer.Deserialize<Dictionary<string, string[]>>(stream)
            ?? throw new InvalidOperationException("texts.json is empty");
        foreach ((string key, string[] pair) in texts)
        {
            if (pair.Length != 2)
            {
                throw new InvalidOperationException($"texts.json: {key} needs [English, Japanese]");
            }
        }

        return texts;
    }
}
