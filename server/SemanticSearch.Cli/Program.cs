using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using SemanticSearch.Cli;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Indexing;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;
using SemanticSearch.Engine.Workspace;

return await CommandLine.RunAsync(args);

namespace SemanticSearch.Cli
{
    /// <summary>Exit codes: 0 ok, 1 failure, 2 bad command line, 130 interrupted (Ctrl-C; committed work kept).</summary>
    public static class CommandLine
    {
        public const int Ok = 0;
        public const int Failure = 1;
        public const int Usage = 2;
        public const int Interrupted = 130;

        private static readonly HashSet<string> CommonValues = ["--model", "--index", "--provider", "--threads", "--exclude", "--max-file-size", "--batch-size", "--vectors"];
        private static readonly HashSet<string> CommonFlags = ["--json", "--cache", "--no-gitignore", "--quiet"];

        internal static readonly JsonSerializerOptions Json = new()
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Converters = { new JsonStringEnumConverter() },
        };

        public const string UsageText = """
            semsearch: natural-language code search over a folder, fully local.

            Usage:
              semsearch index  <root> [--rebuild] [--wait] [options]
                                                                 build or update the index incrementally
              semsearch search <root> "<query>" [-k N] [--lang L]... [--path GLOB] [--exclude-path GLOB]... [--no-tests]
                               [--no-update] [--wait] [--no-query-language] [--exact] [options]
              semsearch status <root> [options]                  what is indexed, skipped and stale
              semsearch eval   (--queries Q.jsonl (--corpus C.jsonl | --root DIR))... [--systems S,S...] [--weights NAME=V,...]
                               [--baseline bm25] [--limit N] [--output FILE] [--rebuild] [--no-query-language] [options]
                                                                 retrieval quality: MRR@10, nDCG@10, Recall@1/5/10/20, latency
                                                                 systems: model (default), bm25, lexical, fusion, hybrid, hybrid-no-<signal>
              semsearch bench  <root> [-n N] [--warmup N] [--queries Q.jsonl] [--scale 10k,100k] [--no-edit] [--output FILE] [options]
                                                                 indexing/query performance on a temporary copy of <root>

            Options:
              --model DIR          model folder (semsearch-model.json + ONNX + tokenizer); default: $SEMSEARCH_MODEL or models/default
              --index FILE         index file (default: <root>/.semantic-search/index.db)
              --cache              keep the index in the user cache folder instead of the workspace
              --provider P         execution provider: auto, cpu, cuda, directml (default auto; falls back to cpu)
              --threads N          ONNX Runtime intra-op threads (default: runtime's choice)
              --batch-size N       documents per model run (default 16)
              --exclude GLOB       extra gitignore-style exclude pattern (repeatable): kept out of the index
              --exclude-path GLOB  search: leave out results whose path matches (repeatable; same syntax as --path)
              --no-tests           search: leave out test files (tests/, *_test.go, FooTests.cs, *.spec.ts, ...)
              --wait               index, search: when another process (another run, an editor) writes the index, wait
                                   for it instead of failing (index) or searching the index as it is (search)
              --max-file-size S    skip larger files (default 1m; accepts 500k, 2m, bytes)
              --no-gitignore       do not apply .gitignore files
              --json               machine-readable output on stdout
              --quiet              no progress on stderr

            Exit codes: 0 ok, 1 error, 2 bad arguments, 130 interrupted (committed work is kept; run again to resume).
            """;

        public static async Task<int> RunAsync(string[] args)
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                Console.Out.WriteLine(UsageText);
                return args.Length == 0 ? Usage : Ok;
            }
            if (args[0] is "--version" or "version")
            {
                Console.Out.WriteLine(typeof(CommandLine).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
                return Ok;
            }

            if (args.Skip(1).Any(a => a is "-h" or "--help") && CommandHelp(args[0]) is { } help)
            {
                Console.Out.WriteLine(help);
                return Ok;
            }

            using var cancellation = new CancellationTokenSource();
            var interrupts = 0;
            Console.CancelKeyPress += (_, e) =>
            {
                // First Ctrl-C: stop after the group in flight, keeping what is committed. Second: leave at once.
                if (Interlocked.Increment(ref interrupts) == 1)
                {
                    e.Cancel = true;
                    Console.Error.WriteLine("\nInterrupting: finishing the current step; committed work is kept (Ctrl-C again to quit now).");
                    cancellation.Cancel();
                }
            };

            try
            {
                return args[0] switch
                {
                    "index" => IndexCommand(Parse(args, ["--rebuild", "--wait"], []), cancellation.Token),
                    "search" => SearchCommand(Parse(args, ["--no-update", "--wait", "--no-query-language", "--exact", "--no-tests"], ["-k", "--lang", "--path", "--exclude-path"]),
                        cancellation.Token),
                    "status" => StatusCommand(Parse(args, [], []), cancellation.Token),
                    "eval" => EvalCommand.Run(Parse(args, EvalCommand.Flags, EvalCommand.Values), cancellation.Token),
                    "bench" => BenchCommand.Run(Parse(args, BenchCommand.Flags, BenchCommand.Values), cancellation.Token),
                    _ => throw new UsageException($"Unknown command '{args[0]}'."),
                };
            }
            catch (UsageException ex)
            {
                await Console.Error.WriteLineAsync($"semsearch: {ex.Message}\nRun 'semsearch --help' for usage.");
                return Usage;
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync("semsearch: interrupted.");
                return Interrupted;
            }
            catch (IndexCorruptException ex) when (ex.Remedy == ErrorRemedy.RebuildIndex)
            {
                await Console.Error.WriteLineAsync($"semsearch: {ex.Message} {Remedy(ex.Remedy)}");
                return Failure;
            }
            catch (IndexNeedsUpdateException ex)
            {
                await Console.Error.WriteLineAsync($"semsearch: {ex.Message} {Remedy(ex.Remedy)}");
                return Failure;
            }
            catch (IndexBusyException ex)
            {
                await Console.Error.WriteLineAsync($"semsearch: {ex.Message} {BusyAdvice(ex)}");
                return Failure;
            }
            catch (Exception ex) when (ex is DirectoryNotFoundException or FileNotFoundException or ModelLoadException or IOException
                or UnauthorizedAccessException or ArgumentException or InvalidDataException)
            {
                await Console.Error.WriteLineAsync($"semsearch: {ex.Message}");
                return Failure;
            }
            catch (Exception ex)
            {
                // Not an expected failure: still no stack trace in the user's face, but enough to report it.
                await Console.Error.WriteLineAsync($"semsearch: unexpected {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
                return Failure;
            }
        }

        /// <summary>
        /// <c>semsearch COMMAND --help</c>: that command's lines of <see cref="UsageText"/> and the options (one text
        /// for both, so they cannot drift); null for a command that does not exist.
        /// </summary>
        internal static string? CommandHelp(string command)
        {
            var lines = UsageText.Split('\n');
            var start = Array.FindIndex(lines, l => l.StartsWith($"  semsearch {command} ", StringComparison.Ordinal));
            if (start < 0)
            {
                return null;
            }
            var end = start + 1;
            while (end < lines.Length && lines[end].StartsWith("   ", StringComparison.Ordinal) && !lines[end].TrimStart().StartsWith("semsearch ", StringComparison.Ordinal))
            {
                end++;
            }
            var options = Array.FindIndex(lines, l => l.StartsWith("Options:", StringComparison.Ordinal));
            return string.Join('\n', ["Usage:", .. lines[start..end], "", .. lines[options..]]);
        }

        internal static CliArguments Parse(string[] args, HashSet<string> extraFlags, HashSet<string> extraValues) =>
            CliArguments.Parse(args, new HashSet<string>(CommonValues.Concat(extraValues)), new HashSet<string>(CommonFlags.Concat(extraFlags)));

        internal static ScanOptions ScanOptionsFrom(CliArguments a) => new(
            a.Values("--exclude"),
            a.ByteSizeValue("--max-file-size", ScanOptions.Default.MaxFileBytes),
            UseGitIgnore: !a.Flag("--no-gitignore"));

        internal static WorkspaceOptions WorkspaceOptionsFrom(CliArguments a, string root, bool quiet)
        {
            var (model, encoder) = ModelOptionsFrom(a, quiet);
            var options = new WorkspaceOptions(root, model, IndexLocation.From(a.Value("--index"), a.Flag("--cache")), ScanOptionsFrom(a), encoder, CompressionFrom(a));
            // --wait: a second writer waits for the one holding the index (IndexLock), saying once who that is.
            return a.Flag("--wait")
                ? options with
                {
                    WriterWait = Timeout.InfiniteTimeSpan,
                    WaitingForWriter = holder => Console.Error.WriteLine(
                        $"semsearch: waiting for {TerminalText.Escape(holder.Describe())} to finish with the index (Ctrl-C to stop)..."),
                }
                : options;
        }

        /// <summary>What to do about another process writing the index, for the command this process runs.</summary>
        private static string BusyAdvice(IndexBusyException busy) =>
            busy.Holder.Program.Contains("language server", StringComparison.Ordinal)
                ? "That editor window keeps this index up to date by itself; search it with `semsearch search --no-update`, " +
                  "or add --wait to run once the window lets go of it."
                : "Run again when it is done, or add --wait to wait for it.";

        /// <summary>
        /// <c>--vectors codes</c> (the default: compressed once the index is large), <c>codes:BITS</c> (residual bits
        /// per dimension: 1, 2, 4 or 8) or <c>half</c> (never compressed: the reference).
        /// </summary>
        internal static VectorCompression CompressionFrom(CliArguments a)
        {
            var given = a.Value("--vectors");
            // "+pool": document vectors pooled by two in a new index (TokenPooling).
            var pool = given?.EndsWith("+pool", StringComparison.Ordinal) == true;
            var value = pool ? given![..^5] : given;
            var compression = value switch
            {
                null or "codes" => VectorCompression.Default,
                "half" => VectorCompression.Off,
                _ when value.StartsWith("codes:", StringComparison.Ordinal) && int.TryParse(value[6..], out var bits) && bits is 1 or 2 or 4 or 8
                    => VectorCompression.Default with { Bits = bits },
                _ => throw new UsageException($"--vectors must be codes, codes:BITS (1, 2, 4 or 8) or half, optionally with +pool (got '{given}')."),
            };
            return compression with { PoolTokens = pool };
        }

        /// <summary>
        /// An index keeps the vector format it was built with: when an explicit <c>--vectors</c> asks for another,
        /// say so (another index or a rebuild) instead of mixing the two; without the option an index keeps its form.
        /// </summary>
        internal static void CheckVectors(CliArguments a, string indexPath, int poolFactor, ResidualCodec? codec)
        {
            if (a.Value("--vectors") is null)
            {
                return;
            }
            var compression = CompressionFrom(a);
            if (poolFactor != compression.PoolFactor)
            {
                throw new UsageException($"The index at {indexPath} was built {(poolFactor == 1 ? "without" : "with")} token pooling; " +
                    $"for --vectors {a.Value("--vectors")} give another --index or add --rebuild.");
            }
            if (codec is not null && (!compression.Enabled || codec.Bits != compression.Bits))
            {
                throw new UsageException($"The index at {indexPath} holds {codec.Bits}-bit codes; " +
                    $"for --vectors {(compression.Enabled ? $"codes:{compression.Bits}" : "half")} give another --index or add --rebuild.");
            }
        }

        /// <summary>The model folder and encoder settings of the command line.</summary>
        internal static (string ModelPath, EncoderOptions Encoder) ModelOptionsFrom(CliArguments a, bool quiet)
        {
            var model = ModelLocator.Resolve(a.Value("--model")) ?? throw new FileNotFoundException(ModelLocator.NoModelMessage);
            var provider = ExecutionProviders.TryParse(a.Value("--provider") ?? "auto")
                ?? throw new UsageException($"--provider must be {ExecutionProviders.Listed} (got '{a.Value("--provider")}').");
            var encoder = new EncoderOptions(
                provider,
                a.IntValue("--threads", 0, 0, 256),
                a.IntValue("--batch-size", 16, 1, 1024),
                quiet ? null : message => Console.Error.WriteLine($"semsearch: {message}"));
            return (model, encoder);
        }

        /// <summary>How the command line fixes what the engine names (the language server words the same remedies for an editor).</summary>
        internal static string Remedy(ErrorRemedy remedy) => remedy switch
        {
            ErrorRemedy.RebuildIndex => "Rebuild it with `semsearch index <root> --rebuild`.",
            ErrorRemedy.UpdateIndex => "Run `semsearch index <root>` (or search without --no-update).",
            _ => throw new ArgumentOutOfRangeException(nameof(remedy), remedy, null),
        };

        /// <summary>The ranking constants with <c>--weights Name=value,…</c> applied (eval and bench sweeps).</summary>
        internal static RankingWeights WeightsFrom(CliArguments a)
        {
            try
            {
                return RankingWeights.Default.With(a.Value("--weights") ?? "");
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message);
            }
        }

        internal static string RootFrom(CliArguments a)
        {
            var root = Path.GetFullPath(a.Positional(0, "workspace folder (<root>)"));
            if (Directory.Exists(root))
            {
                return root;
            }
            throw new DirectoryNotFoundException(File.Exists(root)
                ? $"{TerminalText.Escape(root)} is a file, not a folder: give the workspace folder ({TerminalText.Escape(Path.GetDirectoryName(root))} holds it)."
                : $"Workspace folder not found: {TerminalText.Escape(root)}");
        }

        /// <summary>
        /// A workspace that has no index yet and nothing to index: what to say instead of creating an empty index
        /// (and, by default, a <c>.semantic-search</c> folder) in a folder that has nothing to search. Null when
        /// there is an index already or something to index. The scan costs a walk of the tree only before the first
        /// index, which then reads every file anyway.
        /// </summary>
        /// <param name="verb">What the command would do: "index", "search".</param>
        internal static string? NothingToIndex(WorkspaceOptions options, string verb, CancellationToken cancellationToken)
        {
            if (File.Exists(DatabaseOf(options)))
            {
                return null;
            }
            var scan = new WorkspaceScanner().Scan(options.Root, options.Scan ?? ScanOptions.Default, cancellationToken);
            if (scan.Files.Count > 0)
            {
                return null;
            }
            var skipped = scan.Skipped.Count > 0 ? $" (skipped: {SkippedSummary(scan.Skipped.Select(s => s.Reason))})" : "";
            return $"Nothing to {verb} in {TerminalText.Escape(options.Root)}: it holds no file to index{skipped}. No index was created.";
        }

        /// <summary>The index file these options open.</summary>
        internal static string DatabaseOf(WorkspaceOptions options) => (options.Index ?? IndexLocation.Workspace).For(options.Root).Database;

        /// <summary>"3 (2 minified, 1 binary)": how many were left out and why, most common reason first (index and status say it alike).</summary>
        internal static string SkippedSummary(IEnumerable<SkipReason> reasons)
        {
            var groups = reasons.GroupBy(r => r).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).ToList();
            return $"{groups.Sum(g => g.Count())} ({string.Join(", ", groups.Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"))})";
        }

        /// <summary>
        /// The <c>--lang</c> values (repeatable, comma-separated) as language ids. A name that is no id would filter
        /// everything out and answer "no results" as if the search had run: it is a usage error with the nearest
        /// ids. Case does not matter (<c>Python</c> is <c>python</c>).
        /// </summary>
        internal static string[] LanguagesFrom(CliArguments a) =>
        [
            .. a.Values("--lang")
                .SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(KnownLanguage)
                .Distinct(StringComparer.Ordinal),
        ];

        private static string KnownLanguage(string name)
        {
            if (LanguageDetector.Ids.FirstOrDefault(id => id.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } known)
            {
                return known;
            }
            var lower = name.ToLowerInvariant();
            var distances = LanguageDetector.Ids.Select(id => (Id: id, Distance: EditDistance(lower, id))).ToList();
            var nearest = distances.Min(d => d.Distance);
            // Within a third of the name (at least one edit): "pyhton", "javscript", "rusty"; not "cobol".
            var suggestions = nearest <= Math.Max(1, name.Length / 3) ? distances.Where(d => d.Distance == nearest).Select(d => d.Id).ToList() : [];
            var hint = suggestions.Count > 0 ? $" Did you mean {string.Join(" or ", suggestions)}?" : "";
            throw new UsageException($"--lang {TerminalText.Escape(name)} is not a language id.{hint} The ids: {string.Join(", ", LanguageDetector.Ids)}.");
        }

        /// <summary>Edits (insert, delete, substitute, swap two neighbours) from <paramref name="a"/> to <paramref name="b"/>.</summary>
        internal static int EditDistance(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++)
            {
                d[i, 0] = i;
            }
            for (var j = 0; j <= b.Length; j++)
            {
                d[0, j] = j;
            }
            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    {
                        d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                    }
                }
            }
            return d[a.Length, b.Length];
        }

        private static int IndexCommand(CliArguments a, CancellationToken cancellationToken)
        {
            a.ExpectPositionals(1);
            var root = RootFrom(a);
            var json = a.Flag("--json");
            var quiet = a.Flag("--quiet");
            var options = WorkspaceOptionsFrom(a, root, quiet);
            if (a.Flag("--rebuild"))
            {
                SemanticWorkspace.DeleteIndex(options);
            }
            if (NothingToIndex(options, "index", cancellationToken) is { } nothing)
            {
                Console.Out.WriteLine(json ? JsonSerializer.Serialize(new { root, indexCreated = false, filesScanned = 0, filesIndexed = 0, chunksTotal = 0 }, Json) : nothing);
                return Ok;
            }
            var workspace = SemanticWorkspace.Open(options);
            try
            {
                CheckVectors(a, workspace.IndexPath, workspace.PoolFactor, workspace.Codec);
                if (workspace.ResetReason is { } reason && !quiet)
                {
                    Console.Error.WriteLine($"semsearch: rebuilding the index: {reason}.");
                }
                var result = workspace.Index(quiet ? null : new ProgressPrinter(), cancellationToken);
                Retraining? retraining = null;
                if (!result.Cancelled && workspace.CompressionDrift is { RetrainAdvised: true } drift)
                {
                    retraining = Retrain(ref workspace, options, drift, quiet, cancellationToken);
                }
                if (json)
                {
                    Console.Out.WriteLine(JsonSerializer.Serialize(IndexReport(workspace, result, retraining), Json));
                }
                else
                {
                    PrintIndexSummary(workspace, result, retraining);
                }
                return result.Cancelled || retraining is { Completed: false } ? Interrupted : Ok;
            }
            finally
            {
                workspace.Dispose();
            }
        }

        /// <summary>A codec re-training that <c>index</c> ran after its pass (<see cref="Retrain"/>).</summary>
        private sealed record Retraining(bool Completed, string Because, TimeSpan Elapsed, int ChunksEncoded);

        /// <summary>
        /// Re-trains a drifted codec: builds the replacement index beside the open one (resuming one that an earlier
        /// run left), moves it into place, and reopens <paramref name="workspace"/> on it with a pass that checks the
        /// files again. Cancelled, the replacement stays on disk for the next run, and the index is as it was.
        /// </summary>
        private static Retraining Retrain(ref SemanticWorkspace workspace, WorkspaceOptions options, CodecDrift drift, bool quiet, CancellationToken cancellationToken)
        {
            var because = drift.Describe();
            if (!quiet)
            {
                Console.Error.WriteLine($"semsearch: {because} Re-training it: a new index is built beside this one, then takes its place.");
            }
            var clock = Stopwatch.StartNew();
            IndexRunResult built;
            try
            {
                built = SemanticWorkspace.BuildReplacement(options, workspace.Model, quiet ? null : new ProgressPrinter(), null, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return new Retraining(false, because, clock.Elapsed, 0);
            }
            if (built.Cancelled)
            {
                return new Retraining(false, because, clock.Elapsed, built.ChunksEncoded);
            }
            workspace.Dispose();
            SemanticWorkspace.ReplaceIndex(options);
            workspace = SemanticWorkspace.Open(options);
            workspace.Index(null, cancellationToken);
            return new Retraining(true, because, clock.Elapsed, built.ChunksEncoded);
        }

        private static object IndexReport(SemanticWorkspace workspace, IndexRunResult r, Retraining? retraining) => new
        {
            root = workspace.Root,
            index = workspace.IndexPath,
            model = workspace.Model.Identity.Name,
            executionProvider = workspace.Model.ExecutionProvider.Name(),
            filesScanned = r.FilesScanned,
            // Of filesScanned, those whose text is in the index (the rest are in skipped): what status calls filesIndexed.
            filesIndexed = r.FilesIndexed,
            // Of filesScanned, those left out for their content or unreadable (the language server's filesSkipped);
            // skipped also lists what the scan left out, which filesScanned does not count.
            filesSkipped = r.FilesSkipped,
            filesUnchanged = r.FilesUnchanged,
            filesTouched = r.FilesTouched,
            filesAdded = r.FilesAdded,
            filesChanged = r.FilesChanged,
            filesRechunked = r.FilesRechunked,
            filesDeleted = r.FilesDeleted,
            chunksEncoded = r.ChunksEncoded,
            chunksReused = r.ChunksReused,
            chunksTotal = r.ChunksTotal,
            encodedChunkIds = r.EncodedChunkIds,
            // Files whose lexical documents had fallen behind the store (a crash between the two commits) and were
            // re-indexed lexically from the stored chunk text when the index was opened; and the lexical documents held.
            lexicalRepairedFiles = workspace.LexicalRepairs,
            lexicalChunks = workspace.LexicalChunks,
            // How the vectors are stored, and whether the codes file had to be written anew when the index was
            // opened (missing, of an older format, behind the store after a crash, or damaged), and why.
            vectors = VectorCompression.Describe(workspace.Codec),
            codesFileRebuilt = workspace.CodesFileRebuilt is not null,
            codesFileRebuiltBecause = workspace.CodesFileRebuilt,
            compressionSeconds = Math.Round(r.CompressionTime.TotalSeconds, 3),
            codecDrift = workspace.CompressionDrift is { } drift
                ? new
                {
                    trainingError = Math.Round(drift.TrainingError, 5),
                    referenceError = drift.ReferenceError is { } reference ? Math.Round(reference, 5) : (double?)null,
                    referenceSamples = drift.ReferenceSamples,
                    meanErrorSince = Math.Round(drift.MeanErrorSince, 5),
                    samples = drift.Samples,
                    retrainAdvised = drift.RetrainAdvised,
                }
                : null,
            // The codec re-trained after this pass because it had drifted (codecDrift is then the new codec's);
            // completed false: interrupted, the next run resumes it.
            retrained = retraining is null
                ? null
                : new
                {
                    completed = retraining.Completed,
                    because = retraining.Because,
                    chunksEncoded = retraining.ChunksEncoded,
                    seconds = Math.Round(retraining.Elapsed.TotalSeconds, 3),
                },
            skipped = r.Skipped.Select(s => new { path = s.RelativePath, reason = s.Reason, detail = s.Detail, directory = s.IsDirectory }),
            errors = r.Errors,
            cancelled = r.Cancelled,
            elapsedSeconds = Math.Round(r.Elapsed.TotalSeconds, 3),
        };

        private static void PrintIndexSummary(SemanticWorkspace workspace, IndexRunResult r, Retraining? retraining)
        {
            var o = Console.Out;
            o.WriteLine($"{(r.Cancelled ? "Interrupted" : "Indexed")} {TerminalText.Escape(workspace.Root)} in {r.Elapsed.TotalSeconds:0.0}s " +
                $"({workspace.Model.Identity.Name}, {workspace.Model.ExecutionProvider.Name()})");
            // The same words and counts as status: files whose text is indexed, files left out.
            o.WriteLine($"  files: {r.FilesIndexed} indexed, {r.Skipped.Count} skipped");
            o.WriteLine($"  this run: {r.FilesScanned} files checked: {r.FilesAdded} added, {r.FilesChanged} changed, {r.FilesDeleted} deleted, " +
                $"{r.FilesUnchanged + r.FilesTouched} unchanged");
            o.WriteLine($"  chunks: {r.ChunksEncoded} encoded, {r.ChunksReused} reused, {r.ChunksTotal} in index");
            if (r.FilesRechunked > 0)
            {
                o.WriteLine($"  re-chunked: {r.FilesRechunked} unchanged files (this version chunks them differently; unchanged chunks kept their vectors)");
            }
            if (workspace.LexicalRepairs > 0)
            {
                o.WriteLine($"  lexical index: {workspace.LexicalRepairs} files re-indexed from stored text (it had fallen behind the vectors)");
            }
            if (retraining is { Completed: true })
            {
                o.WriteLine($"  codec: re-trained in {retraining.Elapsed.TotalSeconds:0.0}s ({retraining.ChunksEncoded} chunks encoded into a new index, now in place): " +
                    retraining.Because);
            }
            else if (retraining is not null)
            {
                o.WriteLine($"  codec: re-training interrupted after {retraining.Elapsed.TotalSeconds:0.0}s; run `semsearch index` again to resume it. {retraining.Because}");
            }
            if (workspace.CodesFileRebuilt is { } because)
            {
                o.WriteLine($"  codes file: written anew from the index (it was {because})");
            }
            if (r.CompressionTime > TimeSpan.Zero && workspace.Codec is not null)
            {
                o.WriteLine($"  vectors: compressed to {VectorCompression.Describe(workspace.Codec)} in {r.CompressionTime.TotalSeconds:0.0}s");
            }
            if (r.Skipped.Count > 0)
            {
                o.WriteLine($"  skipped: {SkippedSummary(r.Skipped.Select(s => s.Reason))}");
                foreach (var s in r.Skipped.Take(20))
                {
                    o.WriteLine($"    {TerminalText.Escape(s.RelativePath)}{(s.IsDirectory ? "/" : "")}: " +
                        $"{s.Reason.ToString().ToLowerInvariant()} ({TerminalText.Escape(s.Detail)})");
                }
                if (r.Skipped.Count > 20)
                {
                    o.WriteLine($"    ... and {r.Skipped.Count - 20} more (--json lists all)");
                }
            }
            foreach (var error in r.Errors)
            {
                o.WriteLine($"  error: {TerminalText.Escape(error)}");
            }
            o.WriteLine($"  index: {TerminalText.Escape(workspace.IndexPath)}");
            if (r.Cancelled)
            {
                o.WriteLine("  Committed work is kept; run the same command again to resume.");
            }
        }

        /// <summary>A glob option that does not parse is a usage error naming the option.</summary>
        private static void CheckGlob(string option, string? glob)
        {
            if (glob is null)
            {
                return;
            }
            try
            {
                _ = new PathGlob(glob);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException($"{option}: {ex.Message}");
            }
        }

        private static int SearchCommand(CliArguments a, CancellationToken cancellationToken)
        {
            a.ExpectPositionals(2);
            var root = RootFrom(a);
            var query = a.Positional(1, "query");
            if (string.IsNullOrWhiteSpace(query))
            {
                throw new UsageException("The query is empty.");
            }
            var k = a.IntValue("-k", 10, 1, 1000);
            var json = a.Flag("--json");
            var quiet = a.Flag("--quiet") || json;
            // --exclude-path, not --exclude: that one (every command's) keeps files out of the index, so a search
            // with it would delete them from the index first; this one only leaves them out of the results.
            var filters = new SearchFilters(
                LanguagesFrom(a),
                a.Value("--path"),
                LanguageFromQuery: !a.Flag("--no-query-language"),
                ExcludeGlobs: a.Values("--exclude-path"),
                ExcludeTests: a.Flag("--no-tests"));
            // Validate before doing any work.
            CheckGlob("--path", filters.PathGlob);
            foreach (var glob in filters.ExcludeGlobs!)
            {
                CheckGlob("--exclude-path", glob);
            }
            // --json silences progress, not warnings (a provider fallback still says so once on stderr); --quiet both.
            var options = WorkspaceOptionsFrom(a, root, a.Flag("--quiet"));
            if (NothingToIndex(options, "search", cancellationToken) is { } nothing)
            {
                Console.Out.WriteLine(json
                    ? JsonSerializer.Serialize(new { query, root, indexCreated = false, chunksSearched = 0, results = Array.Empty<object>() }, Json)
                    : nothing);
                return Ok;
            }
            var database = DatabaseOf(options);
            if (a.Flag("--no-update") && !File.Exists(database))
            {
                // Opening would create an empty index only to search it: say what is missing instead.
                throw new FileNotFoundException($"{TerminalText.Escape(root)} has no index yet ({TerminalText.Escape(database)}): " +
                    "run 'semsearch index' on it first, or search without --no-update.");
            }
            // Another process writing the index (a CLI run, an editor's server): search it as it is, read-only, and say
            // so; with --wait, wait for it and update first.
            string? notUpdated = null;
            if (!a.Flag("--no-update") && !a.Flag("--wait") && SemanticWorkspace.CurrentWriter(options) is { } writer)
            {
                notUpdated = $"not updated: {TerminalText.Escape(writer.Describe())} is writing the index; searched it as it is.";
            }
            var readOnly = a.Flag("--no-update") || notUpdated is not null;
            using var workspace = SemanticWorkspace.Open(options with { ReadOnly = readOnly });
            if (notUpdated is not null && !a.Flag("--quiet"))
            {
                Console.Error.WriteLine($"semsearch: {notUpdated}");
            }
            CheckVectors(a, workspace.IndexPath, workspace.PoolFactor, workspace.Codec);
            IndexRunResult? update = null;
            if (!readOnly)
            {
                // Searching stale files would be wrong; an unchanged workspace costs one stat per file here.
                update = workspace.Index(quiet ? null : new ProgressPrinter(), cancellationToken);
                if (update.Cancelled)
                {
                    return Interrupted;
                }
            }
            // --exact: MaxSim over every chunk instead of candidate generation (the reference, and slower).
            var ranking = a.Flag("--exact") ? RankingOptions.Hybrid with { Exact = true } : RankingOptions.Hybrid;
            var response = workspace.Search(query, k, filters, cancellationToken, ranking);
            if (json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    query,
                    root = workspace.Root,
                    model = workspace.Model.Identity.Name,
                    executionProvider = workspace.Model.ExecutionProvider.Name(),
                    languagesFromQuery = response.LanguagesFromQuery,
                    scoredText = response.ScoredText,
                    chunksSearched = response.ChunksSearched,
                    encodeMs = Math.Round(response.EncodeMilliseconds, 3),
                    searchMs = Math.Round(response.SearchMilliseconds, 3),
                    indexUpdate = update is null ? null : new
                    {
                        chunksEncoded = update.ChunksEncoded,
                        filesChanged = update.FilesAdded + update.FilesChanged + update.FilesDeleted,
                    },
                    notUpdated,
                    results = response.Results.Select((r, i) => new
                    {
                        rank = i + 1,
                        score = Math.Round(r.Score, 5),
                        semanticScore = Math.Round(r.SemanticScore, 5),
                        lexicalScore = Math.Round(r.LexicalScore, 5),
                        path = r.Chunk.Path,
                        language = r.Chunk.Language,
                        kind = r.Chunk.Kind,
                        symbol = r.Chunk.Symbol,
                        container = r.Chunk.Container,
                        signature = r.Chunk.Signature,
                        range = r.Chunk.Range,
                        chunkId = r.Chunk.Id,
                        snippet = r.Snippet,
                        matches = r.Matches,
                    }),
                }, Json));
                return Ok;
            }
            if (response.LanguagesFromQuery.Count > 0 && !quiet)
            {
                Console.Error.WriteLine($"Searching {string.Join(", ", response.LanguagesFromQuery)} only (named in the query) for \"{response.ScoredText}\"; " +
                    "--no-query-language searches the text as typed.");
            }
            if (response.Results.Count == 0)
            {
                Console.Out.WriteLine(NoResults(workspace.Root, filters, response));
                return Ok;
            }
            for (var i = 0; i < response.Results.Count; i++)
            {
                var r = response.Results[i];
                var c = r.Chunk;
                Console.Out.WriteLine($"{i + 1,2}. {r.Score:0.000}  {TerminalText.Escape(c.Path)}:{c.Range.StartLine}  {TerminalText.Escape(c.DisplayName)} " +
                    $"({c.Kind.ToString().ToLowerInvariant()})");
                if (MatchedWords(r.Matches) is { } matched)
                {
                    Console.Out.WriteLine($"      matched: {matched}");
                }
                foreach (var line in r.Snippet.Split('\n').Take(4))
                {
                    Console.Out.WriteLine($"      {TerminalText.EscapeLine(line)}");
                }
            }
            if (!quiet)
            {
                Console.Error.WriteLine($"{response.ChunksSearched} chunks searched; encode {response.EncodeMilliseconds:0.0} ms, search {response.SearchMilliseconds:0.0} ms");
            }
            return Ok;
        }

        /// <summary>
        /// Why a search found nothing, in the words that are true: filters (given, or a language named in the query)
        /// that leave no chunk, an index that holds none, or chunks none of which scored.
        /// </summary>
        private static string NoResults(string root, SearchFilters filters, SearchResponse response)
        {
            if (response.ChunksSearched > 0)
            {
                return "No results.";
            }
            var filtered = filters.Languages is { Count: > 0 } || filters.FiltersPaths || response.LanguagesFromQuery.Count > 0;
            return filtered
                ? "No indexed chunks match the filters."
                : $"The index of {TerminalText.Escape(root)} holds nothing to search ('semsearch status' says what is indexed and what was skipped).";
        }

        /// <summary>
        /// "Why it matched" in one line: the words of the chunk that answered the query, each once, with the query
        /// word it answered when that is another word ("Valid (validate)"). Null when there are none.
        /// </summary>
        internal static string? MatchedWords(IReadOnlyList<MatchedSpan> matches)
        {
            const int Shown = 8;
            var words = matches
                .GroupBy(m => m.Text, StringComparer.OrdinalIgnoreCase)
                .Select(g => g.First())
                .Select(m => TerminalText.Escape(m.Text) + (m.Text.Equals(m.QueryToken, StringComparison.OrdinalIgnoreCase) ? "" : $" ({TerminalText.Escape(m.QueryToken)})"))
                .ToList();
            return words.Count == 0 ? null : string.Join(", ", words.Take(Shown)) + (words.Count > Shown ? $", … ({words.Count - Shown} more)" : "");
        }

        private static int StatusCommand(CliArguments a, CancellationToken cancellationToken)
        {
            a.ExpectPositionals(1);
            var root = RootFrom(a);
            var indexPath = IndexLocation.From(a.Value("--index"), a.Flag("--cache")).For(root).Database;
            var status = WorkspaceStatus.Read(root, indexPath, ScanOptionsFrom(a), cancellationToken);
            if (a.Flag("--json"))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(status, Json));
                return Ok;
            }
            var o = Console.Out;
            o.WriteLine($"Workspace: {TerminalText.Escape(status.Root)}");
            o.WriteLine($"Index:     {TerminalText.Escape(status.IndexPath)}" +
                $"{(status.Indexed ? $" ({status.IndexBytes / 1024.0 / 1024.0:0.0} MB)" : " (not indexed yet: run 'semsearch index')")}");
            if (status.Info is { } info)
            {
                o.WriteLine($"Model:     {info.ModelName} ({info.Dim} dims)");
                // The same words and counts as index: files whose text is indexed, files left out.
                o.WriteLine($"Files:     {status.FilesIndexed} indexed, {status.SkippedByReason.Values.Sum()} skipped");
                o.WriteLine($"Chunks:    {info.ChunkCount}");
                o.WriteLine("Last full index: " +
                    $"{(info.LastCompletedUtc is { } t ? t.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss") : "never completed (interrupted; run index to resume)")}");
                o.WriteLine($"Stale:     {status.StaleFiles} files changed since indexed");
                if (status.Writer is { } writer)
                {
                    o.WriteLine($"Writer:    {TerminalText.Escape(writer.Describe())} is updating the index now");
                }
                if (status.SkippedByReason.Count > 0)
                {
                    var reasons = status.SkippedByReason.SelectMany(kv => Enumerable.Repeat(Enum.Parse<SkipReason>(kv.Key), kv.Value));
                    o.WriteLine($"Skipped:   {SkippedSummary(reasons)}");
                }
            }
            return Ok;
        }
    }

    /// <summary>An indexing pass's progress on stderr (<see cref="ProgressLine"/>).</summary>
    internal sealed class ProgressPrinter : IProgress<IndexProgress>
    {
        private readonly ProgressLine _line = new();

        public void Report(IndexProgress value) =>
            _line.Show($"indexing: {value.FilesDone}/{value.FilesTotal} files, {value.ChunksEncoded} chunks encoded", value.CurrentFile is null);
    }
}
