using System.Text.Json;
using SemanticSearch.Server.Protocol;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace SemanticSearch.Server.Transport;

/// <summary>
/// JsonRpc with LSP error codes: parameters that do not deserialize are InvalidParams, a handler that fails is
/// RequestFailed with its message (no stack traces sent to the editor). Deliberate errors
/// (<see cref="LocalRpcException"/>) and cancellation keep StreamJsonRpc's handling.
/// </summary>
public sealed class LspJsonRpc(IJsonRpcMessageHandler handler) : JsonRpc(handler)
{
    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        var inner = exception is System.Reflection.TargetInvocationException { InnerException: { } e } ? e : exception;
        if (inner is LocalRpcException or OperationCanceledException)
        {
            return base.CreateErrorDetails(request, exception);
        }
        var isParams = inner is JsonException || inner.GetBaseException() is JsonException;
        return new JsonRpcError.ErrorDetail
        {
            Code = (JsonRpcErrorCode)(isParams ? LspErrorCodes.InvalidParams : LspErrorCodes.RequestFailed),
            Message = isParams ? $"Invalid params: {inner.Message}" : inner.Message,
        };
    }
}
