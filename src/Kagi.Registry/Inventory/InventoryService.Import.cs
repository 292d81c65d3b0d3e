using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Kagi.Registry.Audit;
using Kagi.Registry.Data;
using Kagi.Registry.Entities;
using Kagi.Registry.Import;
using Microsoft.EntityFrameworkCore;

namespace Kagi.Registry.Inventory;

/// <summary>CSV import of users and tokens: everything is checked first, then all rows go in one transaction.</summary>
public sealed partial class InventoryService
{
    /// <summary>
    /// Imports users from CSV (UTF-8 with or without BOM, or Shift_JIS). The header row names the columns
    /// (<see cref="Fields.UserColumns"/>, any order and case; romanized_name, email, employee_id required).
    /// </summary>
    /// <param name="csv">The file content; read to the end (at most <see cref="InventoryOptions.MaxCsvBytes"/>).</param>
    /// <param name="actor">Who imports, for the audit log.</param>
    /// <param name="cancellationToken">Cancels reading and the database work.</param>
    /// <returns>Imported with the count, or Rejected with every problem found (and nothing imported).</returns>
    public Task<ImportResult> ImportUsersAsync(Stream csv, AuditActor actor, CancellationToken cancellationToken = default) =>
        ImportAsync(
            csv,
            actor,
            Fields.UserColumns,
            Fields.RequiredUserColumns,
            Fields.EmployeeId,
            (table, row, errors) => InputValidation.Validate(
                new NewUser(table.Get(row, Fields.RomanizedName), table.Get(row, Fields.KanjiName), table.Get(row, Fields.Email), table.Get(row, Fields.Organization), table.Get(row, Fields.EmployeeId)),
                errors),
            u => u.EmployeeId,
            async (keys, ct) => await db.Users.Where(u => keys.Contains(u.EmployeeId)).Select(u => u.EmployeeId).ToListAsync(ct).ConfigureAwait(false),
            (u, now) => u.CreatedAt = now,
            AuditActions.UsersImported,
            cancellationToken);

    /// <summary>
    /// Imports tokens (into stock) from CSV (UTF-8 with or without BOM, or Shift_JIS). The header row names the
    /// columns serial, manufacturer, model (any order and case; all required).
    /// </summary>
    /// <param name="csv">The file content; read to the end (at most <see cref="InventoryOptions.MaxCsvBytes"/>).</param>
    /// <param name="actor">Who imports, for the audit log.</param>
    /// <param name="cancellationToken">Cancels reading and the database work.</param>
    /// <returns>Imported with the count, or Rejected with every problem found (and nothing imported).</returns>
    public Task<ImportResult> ImportTokensAsync(Stream csv, AuditActor actor, CancellationToken cancellationToken = default) =>
        ImportAsync(
            csv,
            actor,
            Fields.TokenColumns,
            Fields.TokenColumns,
            Fields.Serial,
            (table, row, errors) => InputValidation.Validate(
                new NewToken(table.Get(row, Fields.Serial), table.Get(row, Fields.Manufacturer), table.Get(row, Fields.Model)),
                errors),
            t => t.Serial,
            async (keys, ct) => await db.Tokens.Where(t => keys.Contains(t.Serial)).Select(t => t.Serial).ToListAsync(ct).ConfigureAwait(false),
            (t, now) => t.CreatedAt = t.StateChangedAt = now,
            AuditActions.TokensImported,
            cancellationToken);

    private async Task<ImportResult> ImportAsync<T>(
        Stream csv,
        AuditActor actor,
        IReadOnlyList<string> columns,
        IReadOnlyList<string> required,
        string keyColumn,
        Func<CsvTable, CsvRecord, List<InputError>, T?> build,
        Func<T, string> key,
        Func<List<string>, CancellationToken, Task<List<string>>> existing,
        Action<T, DateTimeOffset> stamp,
        string auditAction,
        CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(actor);
        byte[]? bytes = await ReadLimitedAsync(csv, options.MaxCsvBytes, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return ImportResult.Rejected(CsvEncoding.Unknown, [new ImportError(0, null, InputErrorCode.TooLarge)]);
        }

        var errors = new List<ImportError>();
        CsvTable? table = CsvTable.Read(bytes, columns, required, out CsvEncoding encoding, errors);
        if (table is null)
        {
            return ImportResult.Rejected(encoding, errors);
        }

        // Values outside their alphabets (markup, SQL or path fragments, control characters) are reported first and
        // alone: such a file is refused before its rows are checked further or compared with the database.
        List<ImportError> hostile = HostileValues(table);
        if (hostile.Count > 0)
        {
            return ImportResult.Rejected(encoding, hostile);
        }

        var items = new List<(int Row, T Item)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (CsvRecord row in table.Rows)
        {
            var fieldErrors = new List<InputError>();
            T? item = build(table, row, fieldErrors);
            errors.AddRange(fieldErrors.Select(e => new ImportError(row.Row, e.Field, e.Code)));
            if (item is not null && !seen.Add(key(item)))
            {
                errors.Add(new ImportError(row.Row, keyColumn, InputErrorCode.DuplicateInFile));
            }
            else if (item is not null)
            {
                items.Add((row.Row, item));
            }
        }

        return await WriteOperation.RunAsync(db, async transaction =>
        {
            var taken = (await existing([.. items.Select(i => key(i.Item))], cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
            errors.AddRange(items.Where(i => taken.Contains(key(i.Item))).Select(i => new ImportError(i.Row, keyColumn, InputErrorCode.AlreadyRegistered)));
            if (errors.Count > 0)
            {
                return ImportResult.Rejected(encoding, [.. errors.OrderBy(e => e.Row)]);
            }

            DateTimeOffset now = time.GetUtcNow();
            foreach (var (_, item) in items)
            {
                stamp(item, now);
                db.Add(item);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException)
            {
                return ImportResult.Rejected(encoding, [new ImportError(0, null, InputErrorCode.Conflict)]);
            }

            var details = new JsonObject
            {
                ["count"] = items.Count,
                ["encoding"] = encoding.ToString(),
                ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            };
            await audit.AppendAsync(actor, auditAction, "csv", details, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new ImportResult(ImportCode.Imported, items.Count, encoding, []);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Non-empty values of the table's known columns outside their alphabet (<see cref="InputRules.AlphabetOf"/>),
    /// by row and column. Overlong values are left to <see cref="InputValidation"/> (too long).
    /// </summary>
    private static List<ImportError> HostileValues(CsvTable table)
    {
        var errors = new List<ImportError>();
        foreach (CsvRecord row in table.Rows)
        {
            foreach (string field in Fields.UserColumns.Concat(Fields.TokenColumns))
            {
                string? value = table.Get(row, field)?.Trim();
                if (string.IsNullOrEmpty(value) || InputRules.AlphabetOf(field) is not { } allowed)
                {
                    continue;
                }

                int max = field is Fields.Email ? Limits.Email : field is Fields.RomanizedName or Fields.KanjiName or Fields.Organization ? Limits.Name : Limits.Identifier;
                if (value.Length <= max && !allowed(value))
                {
                    errors.Add(new ImportError(row.Row, field, InputErrorCode.InvalidCharacters));
                }
            }
        }

        return errors;
    }

    private static async Task<byte[]?> ReadLimitedAsync(Stream csv, int max, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await csv.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
