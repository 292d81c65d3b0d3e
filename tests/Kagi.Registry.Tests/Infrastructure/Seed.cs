using Kagi.Registry.Inventory;

namespace Kagi.Registry.Tests.Infrastructure;

/// <summary>Unique test data, so tests sharing a class database never collide.</summary>
public static class Seed
{
    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

    public static async Task<string> UserAsync(Services r, string? kanji = "山田 太郎")
    {
        string employeeId = Unique("E");
        var result = await r.Inventory.RegisterUserAsync(new NewUser("YAMADA Taro", kanji, "taro@example.jp", "開発部", employeeId), Services.Operator);
        Assert.Equal(RegistrationCode.Registered, result.Code);
        return employeeId;
    }

    public static async Task<string> TokenAsync(Services r)
    {
        string serial = Unique("T");
        var result = await r.Inventory.RegisterTokenAsync(new NewToken(serial, "SafeNet", "eToken 5110"), Services.Operator);
        Assert.Equal(RegistrationCode.Registered, result.Code);
        return serial;
    }

    /// <summary>A registered user with a token assigned to them.</summary>
    public static async Task<(string Serial, string EmployeeId, AssignmentResult Assignment)> AssignedAsync(Services r)
    {
        string serial = await TokenAsync(r);
        string employeeId = await UserAsync(r);
        var assignment = await r.Inventory.AssignAsync(serial, employeeId, Services.Operator);
        Assert.Equal(AssignmentCode.Assigned, assignment.Code);
        return (serial, employeeId, assignment);
    }
}
