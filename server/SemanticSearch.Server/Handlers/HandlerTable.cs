using System.Reflection;
using System.Text.Json;
using SemanticSearch.Server.Handlers.Lifecycle;
using SemanticSearch.Server.Handlers.SemanticSearch;
using SemanticSearch.Server.Handlers.TextDocument;
using SemanticSearch.Server.Handlers.Window;
using SemanticSearch.Server.Handlers.Workspace;
using SemanticSearch.Server.Protocol;
using StreamJsonRpc;

namespace SemanticSearch.Server.Handlers;

/// <summary>
/// The one list of what the server answers: each type below handles the method its <see cref="LspMethodAttribute"/>
/// names, and is constructed with the connection's <see cref="ServerSession"/>. Binding applies the two rules no
/// handler repeats: the lifecycle (requests refused, notifications dropped outside it) and one-at-a-time for
/// handlers that mutate state.
/// </summary>
public static class HandlerTable
{
    public static IReadOnlyList<Type> HandlerTypes { get; } =
    [
        typeof(InitializeHandler),
        typeof(InitializedHandler),
        typeof(ShutdownHandler),
        typeof(ExitHandler),
        typeof(DidChangeWorkspaceFoldersHandler),
        typeof(DidChangeConfigurationHandler),
        typeof(DidChangeWatchedFilesHandler),
        typeof(DidOpenHandler),
        typeof(DidCloseHandler),
        typeof(DidSaveHandler),
        typeof(WorkDoneProgressCancelHandler),
        typeof(SearchHandler),
        typeof(StatusHandler),
        typeof(ReindexHandler),
        typeof(ResultOpenedHandler),
        typeof(PauseIndexingHandler),
        typeof(ResumeIndexingHandler),
        typeof(CancelIndexingHandler),
    ];

    /// <summary>The method a handler type answers.</summary>
    public static LspMethodAttribute MethodOf(Type handler) =>
        handler.GetCustomAttribute<LspMethodAttribute>() ?? throw new InvalidOperationException($"{handler.Name} has no [LspMethod].");

    /// <summary>The custom <c>semanticSearch/*</c> methods answered (what the capabilities advertise).</summary>
    public static string[] CustomMethods { get; } =
        [.. HandlerTypes.Select(t => MethodOf(t).Name).Where(n => n.StartsWith(Methods.Prefix, StringComparison.Ordinal))];

    /// <summary>
    /// Creates every handler for this session and adds it to <paramref name="rpc"/> (before it starts listening).
    /// <paramref name="json"/> reads the params: each binding takes them as raw JSON and reads them itself, so
    /// absent, <c>null</c>, <c>[]</c> (what some clients send for "none") and <c>{}</c> all mean "no params".
    /// </summary>
    public static void Bind(JsonRpc rpc, ServerSession session, JsonSerializerOptions json)
    {
        var mutations = new SemaphoreSlim(1, 1);
        foreach (var type in HandlerTypes)
        {
            var method = MethodOf(type);
            var handler = Activator.CreateInstance(type, session)!;
            var contract = type.GetInterfaces().Single(i => i.IsGenericType
                && (i.GetGenericTypeDefinition() == typeof(IRequestHandler<,>) || i.GetGenericTypeDefinition() == typeof(INotificationHandler<>)));
            var bindingType = (contract.GetGenericTypeDefinition() == typeof(IRequestHandler<,>) ? typeof(RequestBinding<,>) : typeof(NotificationBinding<>))
                .MakeGenericType(contract.GetGenericArguments());
            var binding = Activator.CreateInstance(bindingType, handler, method, session.Lifecycle, mutations, json)!;
            rpc.AddLocalRpcMethod(bindingType.GetMethod(nameof(RequestBinding<NoParams, object>.InvokeAsync))!, binding,
                new JsonRpcMethodAttribute(method.Name) { UseSingleObjectParameterDeserialization = true });
        }
    }

    /// <summary>The params of a message; a JsonException (InvalidParams on the wire) when they do not fit.</summary>
    private static TParams Read<TParams>(JsonElement? parameters, JsonSerializerOptions json)
        where TParams : class, new()
    {
        try
        {
            return parameters switch
            {
                { ValueKind: JsonValueKind.Object } value => value.Deserialize<TParams>(json) ?? new TParams(),
                null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => new TParams(),
                { ValueKind: JsonValueKind.Array } empty when empty.GetArrayLength() == 0 => new TParams(),
                { } other => throw new JsonException($"The params must be an object, not {other.ValueKind}."),
            };
        }
        catch (JsonException ex) when (ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal))
        {
            // System.Text.Json names the CLR type it wanted ("System.Nullable`1[System.Boolean]") and byte offsets;
            // the client needs the field and what it takes, in the protocol's words.
            throw new JsonException($"{path[2..]} must be {Expected(typeof(TParams), path[2..])}.", ex);
        }
    }

    /// <summary>What the params field at <paramref name="path"/> (<c>filters.excludeTests</c>, <c>changes[0].type</c>) takes.</summary>
    private static string Expected(Type type, string path)
    {
        foreach (var segment in path.Split('.'))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var name = bracket < 0 ? segment : segment[..bracket];
            var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return "of another type";
            }
            type = property.PropertyType;
            if (bracket >= 0 && type.IsArray)
            {
                type = type.GetElementType()!;
            }
        }
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(string) => "a string",
            _ when type.IsEnum => "one of its names",
            _ when type.IsPrimitive || type == typeof(decimal) => "a number",
            _ when type.IsArray => "an array",
            _ => "an object",
        };
    }

    /// <summary>What StreamJsonRpc calls for a request: the lifecycle rule, the params, the mutation gate, then the handler.</summary>
    internal sealed class RequestBinding<TParams, TResult>(IRequestHandler<TParams, TResult> handler, LspMethodAttribute method, ServerLifecycle lifecycle,
        SemaphoreSlim mutations, JsonSerializerOptions json)
        where TParams : class, new()
    {
        public async Task<TResult> InvokeAsync(JsonElement? parameters = null, CancellationToken cancellationToken = default)
        {
            if (!method.Lifecycle)
            {
                lifecycle.EnsureServing();
            }
            var request = Read<TParams>(parameters, json);
            if (!method.MutatesState)
            {
                return await handler.HandleAsync(request, cancellationToken);
            }
            await mutations.WaitAsync(cancellationToken);
            try
            {
                return await handler.HandleAsync(request, cancellationToken);
            }
            finally
            {
                mutations.Release();
            }
        }
    }

    /// <summary>What StreamJsonRpc calls for a notification: dropped outside the lifecycle, mutations one at a time.</summary>
    internal sealed class NotificationBinding<TParams>(INotificationHandler<TParams> handler, LspMethodAttribute method, ServerLifecycle lifecycle,
        SemaphoreSlim mutations, JsonSerializerOptions json)
        where TParams : class, new()
    {
        public async Task InvokeAsync(JsonElement? parameters = null)
        {
            if (!method.Lifecycle && !lifecycle.IsServing)
            {
                return;
            }
            var notification = Read<TParams>(parameters, json);
            if (!method.MutatesState)
            {
                handler.Handle(notification);
                return;
            }
            await mutations.WaitAsync();
            try
            {
                handler.Handle(notification);
            }
            finally
            {
                mutations.Release();
            }
        }
    }
}
