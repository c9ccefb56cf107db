using System.Collections.Concurrent;
using System.IO.Pipelines;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;
using StreamJsonRpc.Reflection;

namespace SemanticSearch.Server.Transport;

/// <summary>
/// LSP's framing (<see cref="HeaderDelimitedMessageHandler"/>) that drops a response answering no request of ours.
/// StreamJsonRpc treats such a response as a protocol violation and disconnects, which ends the server; a client
/// that answers twice, late, or with a made-up id must not take the editor's search down. So the ids of the
/// requests we send are kept until their answer arrives, and any other response is reported and never reaches
/// <see cref="JsonRpc"/>.
/// </summary>
public sealed class LspMessageHandler(PipeWriter writer, PipeReader reader, IJsonRpcMessageFormatter formatter, Action<string> report)
    : HeaderDelimitedMessageHandler(writer, reader, formatter)
{
    private readonly ConcurrentDictionary<RequestId, byte> _awaitingAnswer = new();

    protected override void Write(JsonRpcMessage content, CancellationToken cancellationToken)
    {
        // Recorded before the write: the answer can arrive before the write returns.
        if (content is JsonRpcRequest { IsResponseExpected: true } request)
        {
            _awaitingAnswer.TryAdd(request.RequestId, 0);
        }
        base.Write(content, cancellationToken);
    }

    protected override async ValueTask<JsonRpcMessage?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await base.ReadCoreAsync(cancellationToken);
            if (message is not (JsonRpcResult or JsonRpcError) || _awaitingAnswer.TryRemove(((IJsonRpcMessageWithId)message).RequestId, out _))
            {
                return message;
            }
            report($"Ignored a response to a request the server did not send (id {Shown(((IJsonRpcMessageWithId)message).RequestId)}).");
            // The pipe keeps the message's bytes until told it is done with (JsonRpc does this for what it reads);
            // the next read fails until then.
            ((IJsonRpcMessageBufferManager)this).DeserializationComplete(message);
        }
    }

    /// <summary>The id as the client wrote it, short: a string id may be anything the client sent.</summary>
    private static string Shown(RequestId id) => id switch
    {
        { Number: { } number } => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        { String: { } text } => System.Text.Json.JsonSerializer.Serialize(text.Length > 40 ? text[..40] + "…" : text),
        _ => "null",
    };
}
