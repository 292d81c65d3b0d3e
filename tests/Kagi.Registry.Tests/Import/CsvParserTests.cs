using System.Text;
using Kagi.Registry.Import;

namespace Kagi.Registry.Tests.Import;

public class CsvParserTests
{
    [Fact]
    public void Quoted_fields_keep_commas_quotes_and_line_breaks_and_rows_are_numbered_like_a_spreadsheet()
    {
        var records = CsvParser.Parse("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n\"two\nlines\",z\n", out int unterminated);

        Assert.Equal(0, unterminated);
        Assert.Equal(4, records.Count);
        Assert.Equal(["a", "b"], records[0].Fields);
        Assert.Equal(["x, y", "say \"hi\""], records[1].Fields);
        Assert.Equal(2, records[1].Row);
        Assert.True(records[2].IsBlank);
        Assert.Equal(["two\nlines", "z"], records[3].Fields);
        Assert.Equal(4, records[3].Row);
    }

    [Fact]
    public void Last_line_without_line_break_and_empty_fields_are_kept()
    {
        var records = CsvParser.Parse("a,,c\r1,2,", out _);
        Assert.Equal(["a", "", "c"], records[0].Fields);
        Assert.Equal(["1", "2", ""], records[1].Fields);
    }

    [Fact]
    public void Unterminated_quote_is_reported_with_its_row()
    {
        CsvParser.Parse("a,b\n1,\"open\n2,3\n", out int unterminated);
        Assert.Equal(2, unterminated);
    }

    [Fact]
    public void Decoder_detects_utf8_bom_and_shift_jis_and_refuses_utf16()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        const string Text = "氏名,山田 太郎\n";

        Assert.Equal(CsvEncoding.Utf8, CsvDecoder.Decode(Encoding.UTF8.GetBytes(Text), out string? utf8));
        Assert.Equal(Text, utf8);
        Assert.Equal(CsvEncoding.Utf8Bom, CsvDecoder.Decode([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Text)], out string? bom));
        Assert.Equal(Text, bom);
        Assert.Equal(CsvEncoding.ShiftJis, CsvDecoder.Decode(Encoding.GetEncoding(932).GetBytes(Text), out string? sjis));
        Assert.Equal(Text, sjis);
        Assert.Equal(CsvEncoding.Unknown, CsvDecoder.Decode([0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Text)], out string? utf16));
        Assert.Null(utf16);
    }
}
