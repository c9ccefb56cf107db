using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using LiteDB;

namespace SemanticSearch.Engine.Index;

/// <summary>A document whose contents no longer match the checksum it was written with (<see cref="DocumentChecksum"/>).</summary>
public sealed class ChecksumMismatchException(string what) : Exception($"{what} no longer matches its checksum");

/// <summary>
/// Our checksum of an index document: field <c>sum</c>, the first 8 bytes of a SHA-256 over its other fields.
/// <para>
/// Why: LiteDB checks that a page is of the type it expects, not what a page holds, so a flipped bit inside a
/// vector, a text or a range reads back as data: other scores, another snippet, a wrong line, with no error. Every
/// header, file and chunk document is sealed when it is written and checked whenever it is read; a mismatch is
/// damage (<see cref="IndexCorruptException.IsDamage"/>: the rebuild remedy). A document written before checksums
/// existed has no <c>sum</c> and is read as it is.
/// </para>
/// The hash covers each field in ordinal order of its name (LiteDB need not keep the order it was given): the
/// name, a type byte, then a binary value's bytes as they are or any other value serialized alone.
/// </summary>
internal static class DocumentChecksum
{
    public const string Field = "sum";

    /// <summary>Sets <c>sum</c> on <paramref name="doc"/> (replacing an older one) and returns it.</summary>
    public static BsonDocument Seal(BsonDocument doc)
    {
        doc[Field] = Compute(doc);
        return doc;
    }

    /// <summary>Returns <paramref name="doc"/> when it matches its <c>sum</c> (or has none); else <see cref="ChecksumMismatchException"/>.</summary>
    public static BsonDocument Verify(BsonDocument doc, string what) =>
        !doc.TryGetValue(Field, out var sum) || (sum.IsInt64 && sum.AsInt64 == Compute(doc)) ? doc : throw new ChecksumMismatchException(what);

    private static long Compute(BsonDocument doc)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> type = stackalloc byte[1];
        foreach (var key in doc.Keys.Where(k => k != Field).Order(StringComparer.Ordinal))
        {
            var value = doc[key];
            hash.AppendData(Encoding.UTF8.GetBytes(key));
            type[0] = (byte)value.Type;
            hash.AppendData(type);
            hash.AppendData(value.IsBinary ? value.AsBinary : BsonSerializer.Serialize(new BsonDocument { ["v"] = value }));
        }
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return BinaryPrimitives.ReadInt64LittleEndian(digest);
    }
}
