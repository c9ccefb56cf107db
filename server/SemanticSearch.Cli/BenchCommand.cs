using System.Text.Json;
using SemanticSearch.Measurement.Benchmarks;
using SemanticSearch.Measurement.Evaluation;

namespace SemanticSearch.Cli;

/// <summary><c>semsearch bench &lt;root&gt;</c>: indexing and query performance on a copy of the workspace (see <see cref="BenchmarkRunner"/>).</summary>
internal static class BenchCommand
{
    public static readonly HashSet<string> Flags = ["--no-edit"];
    public static readonly HashSet<string> Values = ["--queries", "-n", "--warmup", "--scale", "-k", "--output", "--weights"];

    public static int Run(CliArguments a, CancellationToken cancellationToken)
    {
        a.ExpectPositionals(1);
        var root = CommandLine.RootFrom(a);
        var json = a.Flag("--json");
        var quiet = a.Flag("--quiet");
        var queries = a.Value("--queries") is { } file
            ? EvalData.ReadQueries(Path.GetFullPath(file)).Select(q => q.Query).ToList()
            : [];
        var scale = new List<int>();
        foreach (var item in (a.Value("--scale") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var spec = item.ToLowerInvariant();
            var factor = spec.EndsWith('k') ? 1_000 : spec.EndsWith('m') ? 1_000_000 : 1;
            if (!int.TryParse(factor == 1 ? spec : spec[..^1], out var n) || n < 1 || (long)n * factor > 10_000_000)
            {
                throw new UsageException($"--scale takes chunk counts such as 10k,100k (got '{item}').");
            }
            scale.Add(n * factor);
        }
        var (modelPath, encoder) = CommandLine.ModelOptionsFrom(a, quiet);
        var options = new BenchmarkOptions(
            root,
            modelPath,
            encoder,
            CommandLine.ScanOptionsFrom(a),
            queries,
            a.IntValue("-n", 100, 1, 100_000),
            a.IntValue("--warmup", 10, 0, 10_000),
            a.IntValue("-k", 10, 1, 1000),
            scale,
            MeasureEdit: !a.Flag("--no-edit"),
            Weights: CommandLine.WeightsFrom(a),
            Compression: CommandLine.CompressionFrom(a));
        var report = BenchmarkRunner.Run(options, quiet ? null : message => Console.Error.WriteLine($"bench: {message}"), cancellationToken);
        var text = JsonSerializer.Serialize(report, CommandLine.Json);
        if (a.Value("--output") is { } output)
        {
            File.WriteAllText(Path.GetFullPath(output), text + "\n");
        }
        if (json)
        {
            Console.Out.WriteLine(text);
            return CommandLine.Ok;
        }
        var o = Console.Out;
        var m = report.Machine;
        var ix = report.Indexing;
        o.WriteLine($"Benchmark of {TerminalText.Escape(report.Root)} ({report.Model}, {report.Dim} dims, {report.ExecutionProvider}; " +
            $"{m.Cores} cores, {m.Cpu}; {string.Join(' ', m.CpuFlags)})");
        o.WriteLine($"  cold index: {ix.Files} files, {ix.Chunks} chunks, {ix.TokenVectors} token vectors in {ix.ColdSeconds:0.00} s = " +
            $"{ix.FilesPerSecond:0.0} files/s, {ix.ChunksPerSecond:0.0} chunks/s, {ix.TokenVectorsPerSecond:0} tokens/s; peak RSS {Mb(ix.PeakRssBytes)}");
        o.WriteLine($"  model alone: {ix.ModelChunksPerSecond:0.0} chunks/s (the cold index ran at {ix.ShareOfModelRate:P0} of it; " +
            $"{ix.CompressionSeconds:0.0} s of it training the codec and converting)");
        o.WriteLine($"  index size: {Mb(ix.IndexBytes)} = {ix.IndexToSourceRatio:0.00}x the {Mb(ix.SourceBytes)} of source, " +
            $"{ix.IndexBytesPerChunk:0} bytes/chunk, {ix.IndexBytesPerTokenVector:0.0} bytes/token vector all told; " +
            $"vectors {ix.Vectors}, {ix.VectorBytesPerToken:0} B each; lexical index {Mb(ix.LexicalIndexBytes)} ({ix.LexicalShareOfIndex:P1} of it), " +
            $"codes file {Mb(ix.CodesFileBytes)}");
        o.WriteLine($"  warm (no-change) pass: {ix.WarmSeconds * 1000:0.0} ms; " +
            $"startup: open {ix.StartupOpenSeconds * 1000:0.0} ms + detect changes {ix.StartupDetectSeconds * 1000:0.0} ms");
        var q = report.Query;
        o.WriteLine($"  query ({q.Queries} after {q.Warmup} warm-up, {q.Chunks} chunks): " +
            $"total p50 {q.TotalMs.P50Ms:0.00} / p95 {q.TotalMs.P95Ms:0.00} / p99 {q.TotalMs.P99Ms:0.00} ms; " +
            $"encode p50 {q.EncodeMs.P50Ms:0.00} ms, search p50 {q.SearchMs.P50Ms:0.00} ms");
        o.WriteLine($"  model only (no lexical side, no ranker): total p50 {q.ModelOnlyTotalMs.P50Ms:0.00} / p95 {q.ModelOnlyTotalMs.P95Ms:0.00} ms; " +
            $"hybrid p95 / model-only p95 = {q.HybridToModelOnlyP95:0.00}");
        if (report.Edit is { } e)
        {
            o.WriteLine($"  save-to-searchable ({e.File}): {(e.Found ? $"{e.TotalMs:0.0} ms" : "NOT FOUND")} " +
                $"(update {e.UpdateMs:0.0} ms, search {e.SearchMs:0.0} ms, {e.Attempts} attempt(s))");
        }
        foreach (var s in report.Scale)
        {
            o.WriteLine($"  scale {s.Chunks} chunks ({(s.Compressed ? "codes" : "half floats")}, {s.VectorBytesPerToken:0.0} B/token vector): " +
                $"search p50 {s.SearchMs.P50Ms:0.00} / p95 {s.SearchMs.P95Ms:0.00} ms, recall@10 vs full scan {s.RecallAt10:0.000} " +
                $"(full scan p50 {s.ExactSearchMs.P50Ms:0.00} / p95 {s.ExactSearchMs.P95Ms:0.00} ms); " +
                $"vectors {Mb(s.VectorBytes)}, managed heap +{Mb(s.ManagedHeapBytes)}, peak RSS {Mb(s.PeakRssBytes)}");
            if (s.Mapped is { } mo)
            {
                o.WriteLine($"    opened from a {Mb(mo.CodesFileBytes)} codes file: first result after {mo.OpenToFirstResultMs:0} ms " +
                    $"(first query {mo.FirstQueryMs:0.0} ms, later p50 {mo.LaterQueryP50Ms:0.0} ms: x{mo.FirstToLaterQuery:0.00}); " +
                    $"private RSS {Mb(mo.PrivateRssBytes)}, mapped {Mb(mo.MappedRssBytes)}");
            }
        }
        return CommandLine.Ok;
    }

    private static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:0.0} MB";
}
