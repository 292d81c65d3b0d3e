using System.Text;
using Kagi.Registry.Audit;
using Kagi.Registry.Import;
using Kagi.Registry.Inventory;
using Kagi.Registry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Tests.Inventory;

public abstract class CsvImportTests(TestDatabase database)
{
    static CsvImportTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Fact]
    public async Task Utf8_users_with_kanji_are_imported()
    {
        string p = Seed.Unique("U8");
        string csv = $"romanized_name,kanji_name,email,organization,employee_id\n" +
                     $"YAMADA Taro,山田 太郎,taro@example.jp,開発部,{p}-1\n" +
                     $"\"SUZUKI, Ichiro\",鈴木 一郎,ichiro@example.jp,,{p}-2\n";

        var result = await ImportUsersAsync(Encoding.UTF8.GetBytes(csv));

        Assert.Equal(ImportCode.Imported, result.Code);
        Assert.Equal(CsvEncoding.Utf8, result.Encoding);
        Assert.Equal(2, result.Imported);
        Assert.Empty(result.Errors);
        await using var db = database.NewContext();
        var users = await db.Users.Where(u => u.EmployeeId.StartsWith(p)).OrderBy(u => u.EmployeeId).ToListAsync();
        Assert.Equal(["山田 太郎", "鈴木 一郎"], users.Select(u => u.KanjiName));
        Assert.Equal("SUZUKI, Ichiro", users[1].RomanizedName);
        Assert.Null(users[1].Organization);
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.UsersImported && e.Details.Contains("\"count\":2")));
    }

    [Fact]
    public async Task Utf8_with_bom_from_excel_is_imported()
    {
        string p = Seed.Unique("BOM");
        byte[] csv = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes($"Employee_ID,Email,Romanized_Name,Kanji_Name\r\n{p},hanako@example.jp,SATO Hanako,佐藤 花子\r\n")];

        var result = await ImportUsersAsync(csv);

        Assert.Equal(ImportCode.Imported, result.Code);
        Assert.Equal(CsvEncoding.Utf8Bom, result.Encoding);
        await using var db = database.NewContext();
        Assert.Equal("佐藤 花子", (await db.Users.SingleAsync(u => u.EmployeeId == p)).KanjiName);
    }

    [Fact]
    public async Task Shift_jis_users_with_kanji_are_imported()
    {
        string p = Seed.Unique("SJ");
        string csv = $"romanized_name,kanji_name,email,organization,employee_id\r\n" +
                     $"TAKAHASHI Kenji,髙橋 健二,kenji@example.jp,総務部,{p}-1\r\n" +
                     $"WATANABE Yuki,渡邊 由紀,yuki@example.jp,営業部,{p}-2\r\n";

        var result = await ImportUsersAsync(Encoding.GetEncoding(932).GetBytes(csv));

        Assert.Equal(ImportCode.Imported, result.Code);
        Assert.Equal(CsvEncoding.ShiftJis, result.Encoding);
        await using var db = database.NewContext();
        var users = await db.Users.Where(u => u.EmployeeId.StartsWith(p)).OrderBy(u => u.EmployeeId).ToListAsync();
        Assert.Equal(["髙橋 健二", "渡邊 由紀"], users.Select(u => u.KanjiName));
        Assert.Equal(["総務部", "営業部"], users.Select(u => u.Organization));
    }

    [Fact]
    public async Task A_bad_row_rejects_the_whole_file_and_names_row_column_and_code()
    {
        string p = Seed.Unique("BAD");
        string csv = "romanized_name,kanji_name,email,organization,employee_id\n" +
                     $"GOOD One,,one@example.jp,,{p}-1\n" +
                     $"BAD Mail,,not-a-mail,,{p}-2\n" +
                     $"NO Id,,three@example.jp,,\n" +
                     $"山田 Taro,,four@example.jp,,{p}-4\n" +
                     $"DUP,,five@example.jp,,{p}-1\n";

        var result = await ImportUsersAsync(Encoding.UTF8.GetBytes(csv));

        Assert.Equal(ImportCode.Rejected, result.Code);
        Assert.Equal(0, result.Imported);
        Assert.Equal(
            [
                new ImportError(3, Fields.Email, InputErrorCode.InvalidEmail),
                new ImportError(4, Fields.EmployeeId, InputErrorCode.Required),
                new ImportError(5, Fields.RomanizedName, InputErrorCode.InvalidCharacters),
                new ImportError(6, Fields.EmployeeId, InputErrorCode.DuplicateInFile),
            ],
            result.Errors);
        await using var db = database.NewContext();
        Assert.False(await db.Users.AnyAsync(u => u.EmployeeId.StartsWith(p)));
    }

    [Fact]
    public async Task Already_registered_employee_id_rejects_the_file()
    {
        await using var r = database.Open();
        string existing = await Seed.UserAsync(r);
        string p = Seed.Unique("REG");
        string csv = $"romanized_name,email,employee_id\nNEW One,new@example.jp,{p}\nOLD One,old@example.jp,{existing}\n";

        var result = await ImportUsersAsync(Encoding.UTF8.GetBytes(csv));

        Assert.Equal([new ImportError(3, Fields.EmployeeId, InputErrorCode.AlreadyRegistered)], result.Errors);
        Assert.False(await r.Db.Users.AnyAsync(u => u.EmployeeId == p));
    }

    [Fact]
    public async Task Header_problems_are_reported_on_row_1()
    {
        var unknown = await ImportUsersAsync(Encoding.UTF8.GetBytes("romanized_name,email,employee_id,phone\nA,a@example.jp,1,2\n"));
        Assert.Equal([new ImportError(1, "phone", InputErrorCode.UnknownColumn)], unknown.Errors);

        var missing = await ImportUsersAsync(Encoding.UTF8.GetBytes("romanized_name,email\nA,a@example.jp\n"));
        Assert.Equal([new ImportError(1, Fields.EmployeeId, InputErrorCode.MissingColumn)], missing.Errors);

        var noRows = await ImportUsersAsync(Encoding.UTF8.GetBytes("romanized_name,email,employee_id\r\n"));
        Assert.Equal([new ImportError(2, null, InputErrorCode.NoRows)], noRows.Errors);

        var empty = await ImportUsersAsync([]);
        Assert.Equal([new ImportError(1, null, InputErrorCode.MissingHeader)], empty.Errors);
    }

    [Fact]
    public async Task Wrong_field_count_and_unterminated_quotes_are_reported()
    {
        string p = Seed.Unique("FC");
        var fields = await ImportUsersAsync(Encoding.UTF8.GetBytes($"romanized_name,email,employee_id\nA B,a@example.jp,{p}-1,extra\nC D,bad,{p}-2\n"));
        Assert.Equal([new ImportError(2, null, InputErrorCode.FieldCount), new ImportError(3, Fields.Email, InputErrorCode.InvalidEmail)], fields.Errors);

        var quote = await ImportUsersAsync(Encoding.UTF8.GetBytes($"romanized_name,email,employee_id\n\"A B,a@example.jp,{p}-3\n"));
        Assert.Equal([new ImportError(2, null, InputErrorCode.UnterminatedQuote)], quote.Errors);
    }

    [Fact]
    public async Task Utf16_is_refused()
    {
        var result = await ImportUsersAsync([0xFF, 0xFE, .. Encoding.Unicode.GetBytes("romanized_name,email,employee_id\n")]);
        Assert.Equal(ImportCode.Rejected, result.Code);
        Assert.Equal([new ImportError(0, null, InputErrorCode.UnsupportedEncoding)], result.Errors);
    }

    [Fact]
    public async Task Tokens_are_imported_into_stock_and_a_duplicate_serial_rejects_the_file()
    {
        string p = Seed.Unique("TK");
        await using var r = database.Open();
        var ok = await r.Inventory.ImportTokensAsync(new MemoryStream(Encoding.UTF8.GetBytes($"serial,manufacturer,model\n{p}-1,Feitian,ePass2003\n{p}-2,SafeNet,eToken 5110\n")), Services.Operator);
        Assert.Equal(ImportCode.Imported, ok.Code);
        Assert.Equal(2, ok.Imported);
        Assert.All(await r.Db.Tokens.Where(t => t.Serial.StartsWith(p)).ToListAsync(), t => Assert.Equal(Entities.TokenState.InStock, t.State));

        var again = await r.Inventory.ImportTokensAsync(new MemoryStream(Encoding.UTF8.GetBytes($"serial,manufacturer,model\n{p}-3,Feitian,ePass2003\n{p}-1,Feitian,ePass2003\n{p}-4,,ePass2003\n")), Services.Operator);
        Assert.Equal(
            [new ImportError(3, Fields.Serial, InputErrorCode.AlreadyRegistered), new ImportError(4, Fields.Manufacturer, InputErrorCode.Required)],
            again.Errors.OrderBy(e => e.Row));
        Assert.False(await r.Db.Tokens.AnyAsync(t => t.Serial == p + "-3"));
    }

    [Fact]
    public async Task Too_large_a_file_is_refused_before_parsing()
    {
        await using var db = database.NewContext();
        var time = new ManualTimeProvider();
        var audit = new AuditLog(db, time);
        var inventory = new InventoryService(db, audit, new Kagi.Registry.Tokens.TokenStateMachine(db, audit, time), time, new InventoryOptions { MaxCsvBytes = 10 });
        var result = await inventory.ImportUsersAsync(new MemoryStream(new byte[11]), Services.Operator);
        Assert.Equal([new ImportError(0, null, InputErrorCode.TooLarge)], result.Errors);
    }

    private async Task<ImportResult> ImportUsersAsync(byte[] bytes)
    {
        await using var r = database.Open();
        return await r.Inventory.ImportUsersAsync(new MemoryStream(bytes), Services.Operator);
    }
}

public sealed class SqliteCsvImportTests(SqliteDatabase database) : CsvImportTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresCsvImportTests(PostgresDatabase database) : CsvImportTests(database), IClassFixture<PostgresDatabase>;
