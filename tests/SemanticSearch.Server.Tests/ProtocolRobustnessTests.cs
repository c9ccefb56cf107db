using System.Text.Json;
using SemanticSearch.TestSupport;
using StreamJsonRpc;

namespace SemanticSearch.Server.Tests;

/// <summary>
/// What a misbehaving client sends over the real process: the server keeps serving, says what it ignored, and
/// answers wrong-typed params and out-of-order lifecycle requests with the LSP error codes.
/// </summary>
public sealed class ProtocolRobustnessTests : IDisposable
{
    private readonly SampleRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    /// <summary>The error a request got (StreamJsonRpc raises -32602 as "method not found": the params did not fit a signature).</summary>
    private static async Task<(int Code, string Message)> ErrorOf(Task request)
    {
        var error = await Assert.ThrowsAnyAsync<RemoteRpcException>(() => request);
        return error switch
        {
            RemoteInvocationException invocation => (invocation.ErrorCode, error.Message),
            RemoteMethodNotFoundException notFound => ((int)notFound.ErrorCode, error.Message),
            _ => throw error,
        };
    }

    [Fact]
    public async Task A_response_to_no_request_of_the_server_is_logged_and_ignored_and_the_server_keeps_serving()
    {
        await using var client = LspClient.Start();
        // No progress and no watcher: the server sends no requests of its own, so every response below is unmatched
        // and no raw write interleaves with one of the client's.
        await client.InitializeAsync([_repo.Root], progress: false);
        await client.WaitReadyAsync(1);

        await client.WriteFrameAsync("{\"jsonrpc\":\"2.0\",\"id\":4242,\"result\":null}");
        await client.WriteFrameAsync("{\"jsonrpc\":\"2.0\",\"id\":\"made-up\",\"error\":{\"code\":-32603,\"message\":\"no\"}}");
        await client.WriteFrameAsync("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"parse error\"}}");

        var results = (await client.SearchAsync("validate an email address")).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal("IsValidEmail", results[0].GetProperty("symbol").GetString());
        string[] expected =
        [
            "Ignored a response to a request the server did not send (id 4242).",
            "Ignored a response to a request the server did not send (id \"made-up\").",
            "Ignored a response to a request the server did not send (id null).",
        ];
        foreach (var line in expected)
        {
            Assert.Contains(client.Logs, l => l.Type == 2 && l.Message == line);
            Assert.Contains("[semantic-search] " + line, client.Stderr, StringComparison.Ordinal);
        }
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    [Fact]
    public async Task A_language_filter_that_is_not_a_string_or_strings_is_invalid_params_naming_the_field()
    {
        await using var client = LspClient.Start();
        await client.InitializeAsync([_repo.Root], progress: false);
        await client.WaitReadyAsync(1);
        const string Message = "filters.language must be a language id or an array of language ids (strings).";

        Assert.Equal((-32602, Message), await ErrorOf(client.SearchAsync("email", filters: new { language = 5 })));
        Assert.Equal((-32602, Message), await ErrorOf(client.SearchAsync("email", filters: new { language = new object[] { "csharp", 3 } })));
        Assert.Equal((-32602, Message), await ErrorOf(client.SearchAsync("email", filters: new { language = new { id = "csharp" } })));
        // What the contract allows still filters.
        var one = (await client.SearchAsync("validate an email address", filters: new { language = "csharp" })).GetProperty("results");
        Assert.All(one.EnumerateArray(), r => Assert.Equal("csharp", r.GetProperty("language").GetString()));
        Assert.NotEmpty((await client.SearchAsync("validate an email address", filters: new { language = new[] { "csharp", "python" } })).GetProperty("results").EnumerateArray());
        Assert.Equal(0, await client.ShutdownAndExitAsync());
    }

    [Fact]
    public async Task A_second_shutdown_is_invalid_request_and_exit_still_exits_0()
    {
        await using var client = LspClient.Start();
        await client.InitializeAsync([_repo.Root], progress: false);
        await client.WaitReadyAsync(1);

        var first = await client.RequestAsync("shutdown");
        Assert.Equal(JsonValueKind.Null, first.ValueKind);
        Assert.Equal((-32600, "shutdown was already sent."), await ErrorOf(client.RequestAsync("shutdown")));
        await client.Rpc.NotifyAsync("exit");
        Assert.Equal(0, await client.WaitForExitAsync());
    }

    [Fact]
    public async Task Shutdown_before_initialize_is_refused_like_any_request()
    {
        await using var client = LspClient.Start();
        Assert.Equal((-32002, "The server is not initialized."), await ErrorOf(client.RequestAsync("shutdown")));
        await client.Rpc.NotifyAsync("exit");
        Assert.Equal(1, await client.WaitForExitAsync());
    }
}
