namespace SemanticSearch.Engine.Index;

/// <summary>
/// The stored form of a chunk's token spans (each vector's character start and length in the chunk text, "why it
/// matched"): the chunk document's <c>sp</c> field, since schema 4.
/// </summary>
/// <remarks>
/// Why: as two int32 arrays (<c>ts</c>, <c>tl</c>, schema 3 and before) the spans took 8 bytes per vector, almost a
/// third as much as the vector's own 26-byte code (on Python's standard library 17 of the LiteDB file's 128 MB).
/// Starts follow the text and tokens are short, so each fits a byte or two as a difference.
/// <para>Format, per vector in order, two unsigned LEB128 varints (7 bits per byte, low bits first, high bit set on
/// every byte but the last): the zigzag of (start + 1) minus the previous vector's (start + 1) (the first: minus 0;
/// a start of -1, a token with no place in the text, is 0), then the length. Nothing follows the last vector.</para>
/// </remarks>
public static class TokenSpans
{
    /// <summary>The chunk document's field.</summary>
    public const string Field = "sp";

    /// <summary>The varints of <paramref name="starts"/> and <paramref name="lengths"/> (equal lengths; a start ≥ -1, a length ≥ 0).</summary>
    public static byte[] Encode(IReadOnlyList<int> starts, IReadOnlyList<int> lengths)
    {
        if (starts.Count != lengths.Count)
        {
            throw new ArgumentException($"{starts.Count} token starts but {lengths.Count} lengths.", nameof(lengths));
        }
        var bytes = new List<byte>(starts.Count * 2);
        long previous = 0;
        for (var i = 0; i < starts.Count; i++)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(starts[i], -1);
            ArgumentOutOfRangeException.ThrowIfNegative(lengths[i]);
            long shifted = starts[i] + 1L;
            var delta = shifted - previous;
            Write(bytes, (ulong)((delta << 1) ^ (delta >> 63)));
            Write(bytes, (ulong)lengths[i]);
            previous = shifted;
        }
        return [.. bytes];
    }

    /// <summary>
    /// The spans of <paramref name="count"/> vectors. Bytes that do not hold exactly that many, or a value out of
    /// range, are damage (<see cref="EndOfStreamException"/>, which <see cref="IndexCorruptException.IsDamage"/> knows).
    /// </summary>
    public static (int[] Starts, int[] Lengths) Decode(ReadOnlySpan<byte> bytes, int count)
    {
        var starts = new int[count];
        var lengths = new int[count];
        var at = 0;
        long previous = 0;
        for (var i = 0; i < count; i++)
        {
            var zigzag = Read(bytes, ref at);
            var shifted = previous + ((long)(zigzag >> 1) ^ -(long)(zigzag & 1));
            var length = Read(bytes, ref at);
            if (shifted is < 0 or > int.MaxValue || length > int.MaxValue)
            {
                throw new EndOfStreamException($"Token span {i} is out of range.");
            }
            starts[i] = (int)(shifted - 1);
            lengths[i] = (int)length;
            previous = shifted;
        }
        if (at != bytes.Length)
        {
            throw new EndOfStreamException($"Token spans hold {bytes.Length - at} bytes past their {count} vectors.");
        }
        return (starts, lengths);
    }

    private static void Write(List<byte> bytes, ulong value)
    {
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        bytes.Add((byte)value);
    }

    private static ulong Read(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= bytes.Length)
            {
                throw new EndOfStreamException("Token spans end inside a value.");
            }
            var b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new EndOfStreamException("A token span value runs past 64 bits.");
    }
}
