using SemanticSearch.TestSupport;
using SemanticSearch.VisualStudio.Core.Connection;
using SemanticSearch.VisualStudio.Core.Settings;

namespace SemanticSearch.VisualStudio.Core.Tests;

/// <summary>
/// A <see cref="SemanticSearchClient"/> over the real server built beside the tests, with the tiny model, on the
/// CPU, its indexes in a cache folder of its own (deleted on dispose) and the server's own watcher off, so only
/// the client's notifications reindex.
/// </summary>
public sealed class TestServer : IDisposable
{
    public TestServer(IReadOnlyList<string> folders, Action<ClientSettings>? configure = null, RestartPolicy? restartPolicy = null)
    {
        CacheHome = Directory.CreateTempSubdirectory("semsearch-vs-cache-").FullName;
        var settings = new ClientSettings { ModelPath = TinyModel.ColbertFolder, ExecutionProvider = "cpu" };
        configure?.Invoke(settings);
        Client = new SemanticSearchClient(new ClientOptions
        {
            BundledServer = ServerDll,
            Folders = folders,
            Settings = settings,
            Log = line =>
            {
                lock (_log)
                {
                    _log.Add(line);
                }
            },
            Environment = new Dictionary<string, string> { ["XDG_CACHE_HOME"] = CacheHome, ["SEMSEARCH_MODEL"] = "" },
            ExtraServerSettings = new Dictionary<string, object> { ["fileWatcher"] = "off", ["debounceMs"] = 100 },
            RestartPolicy = restartPolicy ?? new RestartPolicy(),
        });
    }

    private readonly List<string> _log = [];

    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "SemanticSearch.Server.dll");

    public SemanticSearchClient Client { get; }

    public string CacheHome { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join("\n", _log);
            }
        }
    }

    public void Dispose()
    {
        Client.StopAsync().GetAwaiter().GetResult();
        Client.Dispose();
        TestFolders.Delete(CacheHome);
    }
}
