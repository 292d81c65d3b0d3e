using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Kagi.Protocol;
using Kagi.Registry.Entities;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Server.Tests.Api;

/// <summary>
/// CSV import through the operator API: UTF-8 (with or without BOM) and Shift_JIS with kanji names go in whole; a
/// file with any bad row imports nothing and says which row and column is wrong (rows as a spreadsheet numbers them:
/// the header is row 1).
/// </summary>
public class ImportApiTests
{
    private const string Users = "/api/v1/admin/users/import";
    private const string Tokens = "/api/v1/admin/tokens/import";
    private const string Header = "romanized_name,kanji_name,email,organization,employee_id";

    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    private static readonly Encoding ShiftJis = GetShiftJis();

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Users_in_utf8_and_shift_jis_with_kanji_names_are_imported(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        string utf8 = $"{Header}\r\nTaro Yamada,山田 太郎,taro@example.jp,情報システム部,E9001\r\n\"Hanako Suzuki\",\"鈴木 花子\",hanako@example.jp,\"Kagi, Inc.\",E9002\r\n";
        string bom = $"{Header}\nJirō Satō,佐藤 次郎,jiro@example.jp,,E9003\n";
        string sjis = "EMPLOYEE_ID, Romanized_Name ,kanji_name,email\r\nE9004,Ken Watanabe,渡邉 健,ken@example.jp\r\nE9005,Shin'ichi Ono,大野 伸一,shinichi@example.jp\r\n\r\nE9006,Yoko Takahashi,髙橋 洋子,yoko@example.jp\r\n";

        ImportResultDto first = await ImportAsync(server, Encoding.UTF8.GetBytes(utf8));
        Assert.Equal(2, first.Imported);
        Assert.Empty(first.Errors);
        ImportResultDto second = await ImportAsync(server, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(bom)]);
        Assert.Equal(1, second.Imported);
        byte[] shiftJisBytes = ShiftJis.GetBytes(sjis);
        Assert.Equal(sjis, ShiftJis.GetString(shiftJisBytes)); // everything in it exists in Shift_JIS (no macrons there)
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(shiftJisBytes)); // really not UTF-8
        ImportResultDto third = await ImportAsync(server, shiftJisBytes);
        Assert.Equal(3, third.Imported);

        Dictionary<string, (string Romanized, string? Kanji, string? Organization)> users = await server.QueryAsync(db =>
            db.Users.ToDictionaryAsync(u => u.EmployeeId, u => (u.RomanizedName, u.KanjiName, u.Organization)));
        Assert.Equal(6, users.Count);
        Assert.Equal(("Taro Yamada", "山田 太郎", "情報システム部"), users["E9001"]);
        Assert.Equal(("Hanako Suzuki", "鈴木 花子", "Kagi, Inc."), users["E9002"]);
        Assert.Equal(("Jirō Satō", "佐藤 次郎", null), users["E9003"]);
        Assert.Equal(("Ken Watanabe", "渡邉 健", null), users["E9004"]);
        Assert.Equal(("Shin'ichi Ono", "大野 伸一", null), users["E9005"]);
        Assert.Equal(("Yoko Takahashi", "髙橋 洋子", null), users["E9006"]);

        string[] encodings = await server.QueryAsync(db => db.AuditEntries.Where(e => e.Action == "users.imported").OrderBy(e => e.Sequence).Select(e => e.Details!).ToArrayAsync());
        Assert.Equal(["Utf8", "Utf8Bom", "ShiftJis"], encodings.Select(d => JsonDocument.Parse(d).RootElement.GetProperty("encoding").GetString()));

        // Imported users are real users: a token can be assigned to one.
        ImportResultDto tokens = await server.Admin.ImportTokensAsync(ShiftJis.GetBytes("serial,manufacturer,model\r\nT9001,Kagi Test,ePass2003\r\nT9002,Kagi Test,ePass2003\r\n"));
        Assert.Equal(2, tokens.Imported);
        Assert.Equal("E9006", (await server.Admin.AssignAsync("T9002", "E9006")).EmployeeId);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_file_with_bad_rows_imports_nothing_and_names_every_row_and_column(string provider)
    {
        using ApiServer server = ApiServer.Start(provider);
        await server.Admin.CreateUserAsync(ApiServer.User("E9100"));
        await server.Admin.CreateTokenAsync(new TokenDto("T9100", "Kagi Test", "Stock", "inStock", false));
        RowCounts before = await server.CountsAsync();

        // The registry's checks: every problem of the file at once.
        string csv = $"{Header}\n" +
            "Taro Yamada,山田 太郎,taro@example.jp,,E9101\n" +     // row 2: fine
            "Hanako Suzuki,鈴木 花子,not-an-address,,E9102\n" +    // row 3: email
            ",佐藤 次郎,jiro@example.jp,,E9103\n" +               // row 4: romanized_name missing
            "Ken Watanabe,渡邉 健,ken@example.jp,,E9101\n" +      // row 5: employee_id twice in the file
            "Yoko Ono,小野 洋子,yoko@example.jp,,E9100\n" +       // row 6: employee_id already registered
            "Too,Many,fields@example.jp,,E9106,extra\n" +          // row 7: field count
            "山田 太郎,山田 太郎,kanji@example.jp,,E9107\n";       // row 8: romanized name not in Latin letters
        await AssertRejected(server, Users, Encoding.UTF8.GetBytes(csv),
            (3, "email", "invalidEmail"), (4, "romanized_name", "required"), (5, "employee_id", "duplicateInFile"),
            (6, "employee_id", "alreadyRegistered"), (7, null, "fieldCount"), (8, "romanized_name", "invalidCharacters"));

        // The same in Shift_JIS.
        await AssertRejected(server, Users, ShiftJis.GetBytes(csv),
            (3, "email", "invalidEmail"), (4, "romanized_name", "required"), (5, "employee_id", "duplicateInFile"),
            (6, "employee_id", "alreadyRegistered"), (7, null, "fieldCount"), (8, "romanized_name", "invalidCharacters"));

        // Hostile values are refused with their row and column.
        string hostile = $"{Header}\n" +
            "Taro Yamada,山田 太郎,taro@example.jp,,E9201\n" +
            "Hanako Suzuki,鈴木 花子,hanako@example.jp,,'; DROP TABLE users; --\n" +
            "<script>alert(1)</script>,佐藤 次郎,jiro@example.jp,,E9203\n" +
            "Ken Watanabe,渡邉\u202E健,ken@example.jp,,E9204\n" +
            "Yoko Ono,小野 洋子,yoko@example.jp,<b>Kagi</b>,../../etc/passwd\n" +
            "\"Taro\u0000Yamada\",山田 太郎,nul@example.jp,,E9206\n";
        await AssertRejected(server, Users, Encoding.UTF8.GetBytes(hostile),
            (3, "employee_id", "invalidCharacters"), (4, "romanized_name", "invalidCharacters"), (5, "kanji_name", "invalidCharacters"),
            (6, "organization", "invalidCharacters"), (6, "employee_id", "invalidCharacters"), (7, "romanized_name", "invalidCharacters"));

        // Whole-file problems.
        await AssertRejected(server, Users, Encoding.UTF8.GetBytes("romanized_name,email,employee_id,phone\nA B,a@example.jp,E9301,123\n"), (1, "phone", "unknownColumn"));
        await AssertRejected(server, Users, Encoding.UTF8.GetBytes("romanized_name,employee_id\nA B,E9302\n"), (1, "email", "missingColumn"));
        await AssertRejected(server, Users, Encoding.UTF8.GetBytes("romanized_name,email,email,employee_id\nA B,a@example.jp,b@example.jp,E9303\n"), (1, "email", "duplicateColumn"));
        await AssertRejected(server, Users, Encoding.UTF8.GetBytes(Header + "\r\n"), (2, null, "noRows"));
        await AssertRejected(server, Users, [], (1, null, "missingHeader"));
        await AssertRejected(server, Users, Encoding.UTF8.GetBytes($"{Header}\nA B,\"unterminated,a@example.jp,,E9304\n"), (2, null, "unterminatedQuote"));
        await AssertRejected(server, Users, Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes($"{Header}\nA B,,a@example.jp,,E9305\n")).ToArray(), (0, null, "unsupportedEncoding"));

        // A long unknown header is echoed shortened, without control characters.
        JsonElement echoed = await AssertRejected(server, Users, Encoding.UTF8.GetBytes($"{Header},{new string('x', 10000)}\u0007\nA B,,a@example.jp,,E9306,1\n"), (1, new string('x', 64), "unknownColumn"));
        Assert.True(echoed.GetRawText().Length < 2000);

        // Tokens.
        string tokens = "serial,manufacturer,model\nT9401,Kagi Test,ePass2003\nT9401,Kagi Test,ePass2003\nT9100,Kagi Test,ePass2003\n../../x,Kagi Test,ePass2003\nT9405,<script>,ePass2003\nT9406,Kagi Test,\n";
        await AssertRejected(server, Tokens, Encoding.UTF8.GetBytes(tokens), (5, "serial", "invalidCharacters"), (6, "manufacturer", "invalidCharacters"));
        await AssertRejected(server, Tokens, Encoding.UTF8.GetBytes(tokens.Replace("../../x", "T9404", StringComparison.Ordinal).Replace("<script>", "Kagi", StringComparison.Ordinal)),
            (3, "serial", "duplicateInFile"), (4, "serial", "alreadyRegistered"), (7, "model", "required"));

        Assert.Equal(before, await server.CountsAsync());

        // With the bad rows fixed the file goes in, all of it.
        string fixedCsv = $"{Header}\nTaro Yamada,山田 太郎,taro@example.jp,,E9101\nHanako Suzuki,鈴木 花子,hanako@example.jp,,E9102\n";
        Assert.Equal(2, (await server.Admin.ImportUsersAsync(Encoding.UTF8.GetBytes(fixedCsv))).Imported);
        Assert.Equal(before with { Users = before.Users + 2, AuditEntries = before.AuditEntries + 1 }, await server.CountsAsync());
        Assert.Equal(["E9100", "E9101", "E9102"], await server.QueryAsync(db => db.Users.OrderBy(u => u.EmployeeId).Select(u => u.EmployeeId).ToArrayAsync()));
    }

    /// <summary>Imports users; a refusal fails the test with the errors the server named.</summary>
    private static async Task<ImportResultDto> ImportAsync(ApiServer server, byte[] csv)
    {
        try
        {
            return await server.Admin.ImportUsersAsync(csv);
        }
        catch (ApiProblemException e)
        {
            Assert.Fail($"import refused: {e.Extensions.GetValueOrDefault("errors")}");
            throw;
        }
    }

    private static async Task<JsonElement> AssertRejected(ApiServer server, string path, byte[] csv, params (int Row, string? Column, string Code)[] expected)
    {
        var content = new ByteArrayContent(csv);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        JsonElement problem = await Problem.AssertAsync(await server.SendAsync(HttpMethod.Post, path, content, server.AdminAuth), HttpStatusCode.BadRequest, "import-failed");
        var errors = problem.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("column").GetString(), e.GetProperty("code").GetString()!))
            .ToArray();
        Assert.Equal(expected.OrderBy(e => e.Row).ThenBy(e => e.Column), errors.OrderBy(e => e.Item1).ThenBy(e => e.Item2));
        return problem;
    }

    private static Encoding GetShiftJis()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(932);
    }
}
