using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Kagi.Registry.Data;

/// <summary>EF Core converter between <see cref="DateTimeOffset"/> and <see cref="UnixMicroseconds"/>.</summary>
public sealed class UnixMicrosecondsConverter : ValueConverter<DateTimeOffset, long>
{
    private static readonly Expression<Func<DateTimeOffset, long>> ToStore = v => UnixMicroseconds.From(v);
    private static readonly Expression<Func<long, DateTimeOffset>> FromStore = v => UnixMicroseconds.To(v);

    /// <summary>Creates the converter.</summary>
    public UnixMicrosecondsConverter()
        : base(ToStore, FromStore)
    {
    }
}
