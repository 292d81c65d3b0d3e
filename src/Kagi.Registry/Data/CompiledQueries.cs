using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Kagi.Registry.Data;

/// <summary>
/// Holds a class of compiled queries (<c>EF.CompileAsyncQuery</c> fields) once per model. A compiled query skips
/// EF Core's per-call translation and cache lookup, but runs against the model it was compiled for only, and SQLite
/// and PostgreSQL contexts have different models; so each model gets its own instance of a query class.
/// </summary>
public static class CompiledQueries
{
    /// <summary>The queries for <paramref name="db"/>'s model.</summary>
    /// <typeparam name="T">A class whose fields are compiled queries.</typeparam>
    /// <param name="db">The context the queries will run on.</param>
    /// <returns>The instance for that model, created on first use.</returns>
    public static T For<T>(DbContext db)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(db);
        return Holder<T>.ByModel.GetValue(db.Model, static _ => new T());
    }

    private static class Holder<T>
        where T : class, new()
    {
        public static readonly ConditionalWeakTable<IModel, T> ByModel = [];
    }
}
