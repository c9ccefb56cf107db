using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace SemanticSearch.Server.Transport;

/// <summary>
/// Reads LSP base-protocol frames from the client and passes on only well-formed ones. StreamJsonRpc treats a bad
/// header or unparsable JSON as fatal and drops the connection; an editor's language server must survive a
/// misbehaving client instead. So a frame with a garbage header is skipped (we resynchronize on the next
/// <c>Content-Length:</c>), a body that is not a JSON-RPC 2.0 object is dropped and reported, and everything else is
/// re-framed unchanged into <see cref="Reader"/>, which StreamJsonRpc consumes.
/// </summary>
public sealed class FramedInput(Stream input, Action<string> report)
{
    /// <summary>Larger bodies are refused rather than buffered (no LSP message comes near this).</summary>
    public const int MaxBodyBytes = 64 * 1024 * 1024;

    private const int MaxHeaderBytes = 16 * 1024;
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private readonly Pipe _pipe = new();

    public PipeReader Reader => _pipe.Reader;

    public async Task PumpAsync(CancellationToken cancellationToken)
    {
        var source = PipeReader.Create(input);
        try
        {
            while (true)
            {
                var frame = await ReadFrameAsync(source, cancellationToken);
                if (frame is null)
                {
                    break;
                }
                if (Validate(frame) is { } problem)
                {
                    report($"Ignored a malformed message: {problem}.");
                    continue;
                }
                var header = Encoding.ASCII.GetBytes($"Content-Length: {frame.Length}\r\n\r\n");
                await _pipe.Writer.WriteAsync(header, cancellationToken);
                var flush = await _pipe.Writer.WriteAsync(frame, cancellationToken);
                if (flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away: end of input.
        }
        finally
        {
            await source.CompleteAsync();
            await _pipe.Writer.CompleteAsync();
        }
    }

    /// <summary>The next frame body, or null at end of input.</summary>
    private async Task<byte[]?> ReadFrameAsync(PipeReader source, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await source.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            if (reader.TryReadTo(out ReadOnlySequence<byte> headerBytes, HeaderEnd))
            {
                var afterHeader = reader.Position;
                var length = ContentLength(Encoding.ASCII.GetString(headerBytes));
                if (length is null or < 0 or > MaxBodyBytes)
                {
                    report(length is null ? "Ignored a message header without a valid Content-Length." : $"Ignored a message with Content-Length {length}.");
                    source.AdvanceTo(afterHeader);
                    continue;
                }
                var rest = buffer.Slice(afterHeader);
                if (rest.Length >= length.Value)
                {
                    var body = rest.Slice(0, length.Value).ToArray();
                    source.AdvanceTo(rest.GetPosition(length.Value));
                    return body;
                }
                if (result.IsCompleted)
                {
                    report("Input ended inside a message.");
                    source.AdvanceTo(buffer.End);
                    return null;
                }
                source.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            if (result.IsCompleted)
            {
                source.AdvanceTo(buffer.End);
                return null;
            }
            if (buffer.Length > MaxHeaderBytes)
            {
                // No header end in sight: drop the junk but keep a tail that may hold the start of a real header.
                report("Ignored unframed input.");
                source.AdvanceTo(buffer.GetPosition(buffer.Length - HeaderEnd.Length));
                continue;
            }
            source.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// The Content-Length of a header block. Junk written before a real header (no blank line between) is tolerated
    /// by taking the last Content-Length field in the block.
    /// </summary>
    internal static int? ContentLength(string header)
    {
        const string Field = "Content-Length:";
        var at = header.LastIndexOf(Field, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }
        var value = header[(at + Field.Length)..];
        var lineEnd = value.IndexOf('\r');
        if (lineEnd >= 0)
        {
            value = value[..lineEnd];
        }
        return int.TryParse(value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>Null when the body is a JSON-RPC 2.0 message StreamJsonRpc can take; otherwise what is wrong.</summary>
    internal static string? Validate(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "not a JSON object (batches are not part of LSP)";
            }
            if (!root.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2.0")
            {
                return "missing \"jsonrpc\": \"2.0\"";
            }
            if (root.TryGetProperty("id", out var id) && id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null))
            {
                return "the id is neither a number nor a string";
            }
            if (root.TryGetProperty("method", out var method))
            {
                if (method.ValueKind != JsonValueKind.String)
                {
                    return "the method is not a string";
                }
                if (root.TryGetProperty("params", out var parameters) && parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null))
                {
                    return "params is neither an object nor an array";
                }
                return null;
            }
            return root.TryGetProperty("result", out _) || root.TryGetProperty("error", out _) ? null : "neither a request nor a response";
        }
        catch (JsonException ex)
        {
            return "invalid JSON (" + ex.Message + ")";
        }
    }
}
