using System.Text;
using Kagi.Pkcs11.Interop;

namespace Kagi.Pkcs11.Tests;

public class TextAndNamesTests
{
    [Theory]
    [InlineData("My Token                        ", "My Token")]
    [InlineData("My Token\0\0\0\0", "My Token")]
    [InlineData("My Token\0garbage after NUL", "My Token")]
    [InlineData("鍵トークン  ", "鍵トークン")]
    public void Padded_text_is_trimmed_of_blanks_and_nuls(string raw, string expected)
    {
        Assert.Equal(expected, PaddedText.Decode(Encoding.UTF8.GetBytes(raw)));
    }

    [Fact]
    public void Init_token_label_is_blank_padded_to_32_bytes()
    {
        byte[] label = PaddedText.Encode("Kagi", 32);
        Assert.Equal(32, label.Length);
        Assert.Equal("Kagi" + new string(' ', 28), Encoding.ASCII.GetString(label));
        Assert.Throws<ArgumentException>(() => PaddedText.Encode(new string('x', 33), 32));
        Assert.Throws<ArgumentException>(() => PaddedText.Encode(new string('鍵', 11), 32)); // 33 bytes of UTF-8
    }

    [Theory]
    [InlineData(CKR.CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT")]
    [InlineData(CKR.CKR_CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED")]
    [InlineData((CKR)0x80000001UL, "CKR_VENDOR_DEFINED+0x1")]
    [InlineData((CKR)0x0000FFFFUL, "CKR_0x0000FFFF")]
    public void Every_ckr_has_a_name(CKR rv, string name) => Assert.Equal(name, CkrNames.Name(rv));

    [Fact]
    public void Exception_names_function_and_ckr()
    {
        var e = new Pkcs11Exception("C_Login", CKR.CKR_PIN_INCORRECT);
        Assert.Equal("C_Login failed: CKR_PIN_INCORRECT", e.Message);
    }
}
