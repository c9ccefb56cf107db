using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace SemanticSearch.Engine.Models;

/// <summary>
/// Reads one F32 tensor from a safetensors file: 8-byte little-endian header length, a JSON header mapping names
/// to {dtype, shape, data_offsets}, then the raw little-endian data (offsets relative to the end of the header).
/// </summary>
public static class SafeTensors
{
    public sealed record Tensor(string Name, int[] Shape, float[] Data);

    public static Tensor ReadF32(string path, string name)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"Projection weights not found: {path}");
        }
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> lengthBytes = stackalloc byte[8];
            stream.ReadExactly(lengthBytes);
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength == 0 || headerLength > 100_000_000 || (long)headerLength > stream.Length - 8)
            {
                throw Bad(path, $"header length {headerLength} does not fit the file");
            }
            var header = new byte[headerLength];
            stream.ReadExactly(header);
            using var doc = JsonDocument.Parse(header);
            if (!doc.RootElement.TryGetProperty(name, out var entry))
            {
                var names = doc.RootElement.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__");
                throw Bad(path, $"has no tensor '{name}' (it has: {string.Join(", ", names)})");
            }
            var dtype = entry.GetProperty("dtype").GetString();
            if (dtype != "F32")
            {
                throw Bad(path, $"tensor '{name}' is {dtype}; only F32 is supported");
            }
            var shape = entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var offsets = entry.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var count = shape.Aggregate(1L, (a, b) => a * b);
            var dataStart = 8 + (long)headerLength;
            if (offsets.Length != 2 || offsets[1] - offsets[0] != count * 4 || dataStart + offsets[1] > stream.Length)
            {
                throw Bad(path, $"tensor '{name}' offsets [{string.Join(", ", offsets)}] do not match shape [{string.Join(", ", shape)}]");
            }
            var data = new float[count];
            stream.Position = dataStart + offsets[0];
            stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
            if (!BitConverter.IsLittleEndian)
            {
                var ints = MemoryMarshal.Cast<float, int>(data.AsSpan());
                BinaryPrimitives.ReverseEndianness(ints, ints);
            }
            return new Tensor(name, shape, data);
        }
        catch (Exception e) when (e is JsonException or EndOfStreamException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw Bad(path, e.Message, e);
        }
    }

    private static ModelLoadException Bad(string path, string problem, Exception? inner = null) =>
        inner is null
            ? new ModelLoadException($"{path} is not a usable safetensors file: {problem}")
            : new ModelLoadException($"{path} is not a usable safetensors file: {problem}", inner);
}
