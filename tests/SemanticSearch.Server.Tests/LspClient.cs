using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StreamJsonRpc;

namespace SemanticSearch.Server.Tests;

/// <summary>
/// The real server executable as a child process, driven over stdio by a StreamJsonRpc client with the same
/// Content-Length framing an editor uses. Everything the server writes is also kept as raw frames
/// (<see cref="Wire"/>) so tests can check exact error codes, and notifications are recorded.
/// </summary>
public sealed class LspClient : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Stream _stdin;

    private LspClient(Process process, string cacheHome)
    {
        _process = process;
        CacheHome = cacheHome;
        _stdin = process.StandardInput.BaseStream;
        var tap = new TapStream(process.StandardOutput.BaseStream, Wire);
        var formatter = new SystemTextJsonFormatter();
        var handler = new HeaderDelimitedMessageHandler(PipeWriter.Create(_stdin), PipeReader.Create(tap), formatter);
        Rpc = new JsonRpc(handler);
        Rpc.AddLocalRpcTarget(new ClientTarget(this), new JsonRpcTargetOptions { UseSingleObjectParameterDeserialization = true });
        Rpc.StartListening();
    }

    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "SemanticSearch.Server.dll");

    public JsonRpc Rpc { get; }

    /// <summary>
    /// The server's <c>XDG_CACHE_HOME</c>, a temporary folder of this client's: with the default indexLocation
    /// (<c>cache</c>) the indexes land there, never in the user's real cache. Deleted on dispose.
    /// </summary>
    public string CacheHome { get; }

    /// <summary>Raw frames received from the server, in order.</summary>
    public ConcurrentQueue<string> Wire { get; } = new();

    public ConcurrentQueue<JsonElement> Progress { get; } = new();

    public ConcurrentQueue<(int Type, string Message)> Logs { get; } = new();

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="serverDll"/> (default: the build beside the tests) under dotnet.</summary>
    public static LspClient Start(string? serverDll = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(serverDll ?? ServerDll);
        info.Environment.Remove("SEMSEARCH_MODEL");
        var cacheHome = Directory.CreateTempSubdirectory("semsearch-lsp-cache-").FullName;
        info.Environment["XDG_CACHE_HOME"] = cacheHome;
        var process = Process.Start(info)!;
        var client = new LspClient(process, cacheHome);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (client._stderr)
            {
                client._stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        return client;
    }

    public static string Uri(string path) => new Uri(Path.GetFullPath(path)).AbsoluteUri;

    /// <summary>initialize + initialized with the tiny model and the given folders.</summary>
    public async Task<JsonElement> InitializeAsync(IEnumerable<string> folders, object? options = null, bool progress = true)
    {
        var init = await RequestAsync("initialize", new
        {
            processId = Environment.ProcessId,
            rootUri = (string?)null,
            workspaceFolders = folders.Select(f => new { uri = Uri(f), name = Path.GetFileName(f) }).ToArray(),
            capabilities = new { window = new { workDoneProgress = progress } },
            initializationOptions = options ?? Options(),
        });
        await Rpc.NotifyWithParameterObjectAsync("initialized", new { });
        return init;
    }

    public static Dictionary<string, object?> Options(string fileWatcher = "off") => new()
    {
        ["modelPath"] = TestSupport.TinyModel.ColbertFolder,
        ["executionProvider"] = "cpu",
        ["fileWatcher"] = fileWatcher,
        ["debounceMs"] = 100,
    };

    public Task<JsonElement> RequestAsync(string method, object? parameters = null, CancellationToken cancellationToken = default) =>
        Rpc.InvokeWithParameterObjectAsync<JsonElement>(method, parameters ?? new { }, cancellationToken);

    public Task<JsonElement> SearchAsync(string query, int topK = 5, string? folder = null, object? filters = null) =>
        RequestAsync("semanticSearch/search", new { query, topK, folder = folder is null ? null : Uri(folder), filters });

    /// <summary>Waits until every folder reports ready with nothing queued.</summary>
    public async Task<JsonElement> WaitReadyAsync(int expectedFolders, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (true)
        {
            var status = await RequestAsync("semanticSearch/status");
            var folders = status.GetProperty("folders").EnumerateArray().ToList();
            if (folders.Count == expectedFolders && folders.All(f => f.GetProperty("state").GetString() == "ready" && f.GetProperty("queued").GetInt32() == 0))
            {
                return status;
            }
            if (folders.Any(f => f.GetProperty("state").GetString() == "error"))
            {
                throw new InvalidOperationException($"A folder failed: {status}\n{Stderr}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not ready: {status}\n{Stderr}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Writes bytes straight to the server's input (only while no request is being sent).</summary>
    public async Task WriteRawAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await _stdin.WriteAsync(bytes);
        await _stdin.FlushAsync();
    }

    /// <summary>A raw frame with a correct Content-Length around any body.</summary>
    public Task WriteFrameAsync(string body) => WriteRawAsync($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");

    /// <summary>Waits for a raw server frame that matches.</summary>
    public async Task<JsonNode> WaitForFrameAsync(Func<JsonNode, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var frame in Wire)
            {
                var node = JsonNode.Parse(frame)!;
                if (match(node))
                {
                    return node;
                }
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"No matching frame. Wire:\n{string.Join("\n", Wire)}\n{Stderr}");
    }

    public async Task<int> ShutdownAndExitAsync()
    {
        await RequestAsync("shutdown");
        await Rpc.NotifyAsync("exit");
        return await WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Rpc.Dispose();
        if (!_process.HasExited)
        {
            try
            {
                _process.StandardInput.Close();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (Exception)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
        TestSupport.TestFolders.Delete(CacheHome);
    }

    /// <summary>What the client answers: progress tokens, logs, capability registrations.</summary>
    private sealed class ClientTarget(LspClient client)
    {
        [JsonRpcMethod("window/workDoneProgress/create", UseSingleObjectParameterDeserialization = true)]
        public object? CreateProgress(JsonElement p)
        {
            _ = p;
            return null;
        }

        [JsonRpcMethod("$/progress", UseSingleObjectParameterDeserialization = true)]
        public void OnProgress(JsonElement p) => client.Progress.Enqueue(p.Clone());

        [JsonRpcMethod("window/logMessage", UseSingleObjectParameterDeserialization = true)]
        public void OnLog(JsonElement p) => client.Logs.Enqueue((p.GetProperty("type").GetInt32(), p.GetProperty("message").GetString()!));

        [JsonRpcMethod("client/registerCapability", UseSingleObjectParameterDeserialization = true)]
        public object? Register(JsonElement p)
        {
            _ = p;
            return null;
        }
    }

    /// <summary>Passes the server's output through while recording each frame body.</summary>
    private sealed class TapStream(Stream inner, ConcurrentQueue<string> frames) : Stream
    {
        private readonly List<byte> _pending = [];

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            Record(buffer.AsSpan(offset, n));
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            Record(buffer.Span[..n]);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Record(ReadOnlySpan<byte> bytes)
        {
            lock (_pending)
            {
                _pending.AddRange(bytes);
                while (true)
                {
                    var text = Encoding.UTF8.GetString([.. _pending]);
                    var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    if (end < 0)
                    {
                        return;
                    }
                    var header = text[..end];
                    var length = int.Parse(header[(header.IndexOf(':') + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    var headerBytes = Encoding.UTF8.GetByteCount(text[..(end + 4)]);
                    if (_pending.Count < headerBytes + length)
                    {
                        return;
                    }
                    frames.Enqueue(Encoding.UTF8.GetString([.. _pending.GetRange(headerBytes, length)]));
                    _pending.RemoveRange(0, headerBytes + length);
                }
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
