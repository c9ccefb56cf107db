using System.Diagnostics;
using SemanticSearch.Engine.Chunking;
using SemanticSearch.Engine.Common;
using SemanticSearch.Engine.Index;
using SemanticSearch.Engine.Models;
using SemanticSearch.Engine.Search;
using SemanticSearch.Engine.Workspace;

namespace SemanticSearch.Engine.Indexing;

/// <summary>Where an indexing pass is; reported after each committed group.</summary>
public sealed record IndexProgress(int FilesDone, int FilesTotal, int ChunksEncoded, string? CurrentFile)
{
    /// <summary>What the index holds of its files so far (<see cref="IndexRunResult.InIndex"/>).</summary>
    public FileCounts InIndex { get; init; }

    /// <summary>Files done as a whole percentage of the pass (100 for a pass over no file).</summary>
    public int Percent => FilesTotal == 0 ? 100 : (int)(100L * FilesDone / FilesTotal);
}

/// <summary>What an indexing pass did. <see cref="EncodedChunkIds"/> lists every chunk that went through the model.</summary>
public sealed record IndexRunResult(
    int FilesScanned,
    int FilesUnchanged,
    int FilesTouched,
    int FilesAdded,
    int FilesChanged,
    int FilesDeleted,
    int ChunksEncoded,
    int ChunksReused,
    int ChunksTotal,
    IReadOnlyList<string> EncodedChunkIds,
    IReadOnlyList<SkippedFile> Skipped,
    IReadOnlyList<string> Errors,
    bool Cancelled,
    TimeSpan Elapsed)
{
    /// <summary>Of <see cref="Elapsed"/>: training the codec and converting stored vectors to codes (zero on most passes).</summary>
    public TimeSpan CompressionTime { get; init; }

    /// <summary>
    /// Of <see cref="FilesScanned"/>: those whose text is in the index after the pass. The others were left out for
    /// their content (binary, minified, generated: in <see cref="Skipped"/>, whether this pass read them or an
    /// earlier one did) or are not committed (cancelled). The rule: <see cref="FileCounts"/>.
    /// </summary>
    public int FilesIndexed { get; init; }

    /// <summary>
    /// Of <see cref="FilesScanned"/>: those left out for their content or unreadable (<see cref="FileCounts"/>), so
    /// that indexed + skipped = scanned when the pass was not cancelled. <see cref="Skipped"/> lists them, and also
    /// what the scan itself left out (ignored, too large, links outside the root), which is not in
    /// <see cref="FilesScanned"/>.
    /// </summary>
    public int FilesSkipped { get; init; }

    /// <summary>
    /// What the index holds of its files after the pass, those it did not visit included (a path update, a cancelled
    /// pass): the count <c>status</c> shows, kept up to date from the records the pass loaded, never read again.
    /// </summary>
    public FileCounts InIndex { get; init; }

    /// <summary>
    /// Of <see cref="FilesScanned"/>: files whose bytes had not changed, chunked again because the index's chunks were
    /// made by an older chunker (<see cref="ChunkerSet.Version"/>); their unchanged chunks kept their vectors.
    /// </summary>
    public int FilesRechunked { get; init; }
}

/// <summary>
/// Brings the index in line with the workspace, doing as little as possible:
/// a file whose size and mtime match its record is not read; one whose bytes hash the same is only re-stamped;
/// a changed file is re-chunked, and only chunks whose encoding text changed go through the model (the rest keep
/// their stored vectors). Files are committed in groups, each group in one transaction, so an interrupted pass
/// keeps everything committed before it and the next pass carries on from there.
/// </summary>
public sealed class WorkspaceIndexer(string root, EmbeddingModel model, IndexStore store, VectorCache? cache, ScanOptions scanOptions, VectorCompression? compression = null)
{
    /// <summary>
    /// Chunks to gather before running the model and committing (amortizes ONNX batches, transactions and the codes
    /// file's flushes; bench on server/: 256 ran the cold index at 389–427 chunks/s, 64 at 347–353). 1,024 since
    /// commits stopped costing a sync per page (<see cref="Index.CommitSyncedLog"/>): the model then sorts four times
    /// as many texts by length, so batches carry less padding (server/'s own copy: encoding 7.3–7.6 s at 512,
    /// 5.3–6.0 s at 1,024; a group is ~1.5 s of encoding; peak memory during the pass 327 → 403 MB).
    /// </summary>
    public int GroupChunkTarget { get; init; } = 1024;

    /// <summary>
    /// The group size while an index that will be compressed still writes half floats (no codec yet). Those vectors
    /// are rewritten as codes once the codec is trained, and only the groups after that reuse the pages they free;
    /// a small workspace has few such groups, so 1,024-chunk groups before the codec left its file larger
    /// (server/'s copy: 23.3 → 27.3 MB). Smaller groups reach the training point (<see cref="VectorCompression.TrainsNow"/>) with less
    /// written as half floats.
    /// </summary>
    public const int GroupChunkTargetBeforeCodec = 256;

    /// <summary>The group size in force now: <see cref="GroupChunkTargetBeforeCodec"/> at most until the index has its codec.</summary>
    private int CurrentGroupChunkTarget =>
        Compression.Enabled && store.Codec is null ? Math.Min(GroupChunkTarget, GroupChunkTargetBeforeCodec) : GroupChunkTarget;

    /// <summary>The compression settings in force (<see cref="VectorCompression.Default"/> unless given).</summary>
    public VectorCompression Compression => compression ?? VectorCompression.Default;

    /// <summary>This indexer trains the codec once the index is large enough (<see cref="CompressOnceLarge"/>): it has none yet.</summary>
    private bool TrainsCodec => Compression.Enabled && cache is not null && store.Codec is null;

    /// <summary>Files to gather before committing even if few chunks need encoding.</summary>
    public int GroupFileTarget { get; init; } = 200;

    private readonly ChunkerSet _chunkers = new(model, new ChunkingOptions(Math.Max(16, model.MaxDocumentTokens - ChunkEncoding.HeaderTokenBudget)));

    /// <summary>A full incremental pass over the workspace.</summary>
    public IndexRunResult Run(IProgress<IndexProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(progress, null, cancellationToken);

    /// <summary>A full pass that indexes <paramref name="first"/> (relative paths: files open in the editor) before the rest.</summary>
    public IndexRunResult Run(IProgress<IndexProgress>? progress, IReadOnlyCollection<string>? first, CancellationToken cancellationToken = default)
    {
        var scan = new WorkspaceScanner().Scan(root, scanOptions, cancellationToken);
        var known = store.LoadFiles();
        var present = new HashSet<string>(scan.Files.Select(f => f.RelativePath), StringComparer.Ordinal);
        var deletions = known.Keys.Where(p => !present.Contains(p)).ToList();
        // A pass that will train the codec starts with a sample of the whole workspace (IndexingOrder's summary says why).
        long? codecSample = TrainsCodec ? Compression.SampleTokens : null;
        return Process(IndexingOrder.Sort(scan.Files, first, codecSample), known, deletions, scan.Skipped, fullPass: true, progress, cancellationToken);
    }

    /// <summary>The files a full pass would visit (<see cref="IndexRunResult.FilesScanned"/>): a scan, no file read.</summary>
    public int CountFiles(CancellationToken cancellationToken = default) => new WorkspaceScanner().Scan(root, scanOptions, cancellationToken).Files.Count;

    /// <summary>
    /// Re-checks just these workspace-relative paths (a save, a watcher event): changed ones are re-indexed,
    /// vanished or now-excluded ones are removed.
    /// </summary>
    public IndexRunResult Update(IEnumerable<string> relativePaths, CancellationToken cancellationToken = default)
    {
        var wanted = new HashSet<string>(relativePaths.Select(p => p.Replace('\\', '/')), StringComparer.Ordinal);
        // Only the changed paths (and their ancestors' ignore files) are looked at, never the whole tree.
        var scan = new WorkspaceScanner().ScanPaths(root, scanOptions, wanted, cancellationToken);
        var files = scan.Files.Where(f => wanted.Contains(f.RelativePath)).ToList();
        var known = store.LoadFiles();
        var present = new HashSet<string>(files.Select(f => f.RelativePath), StringComparer.Ordinal);
        var deletions = wanted.Where(p => known.ContainsKey(p) && !present.Contains(p)).ToList();
        var skipped = scan.Skipped.Where(s => wanted.Contains(s.RelativePath)).ToList();
        return Process(files, known, deletions, skipped, fullPass: false, null, cancellationToken);
    }

    private IndexRunResult Process(
        IReadOnlyList<WorkspaceFile> files,
        Dictionary<string, FileRecord> known,
        List<string> deletions,
        IReadOnlyList<SkippedFile> scanSkipped,
        bool fullPass,
        IProgress<IndexProgress>? progress,
        CancellationToken cancellationToken)
    {
        _compressionTime = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var stats = new Stats();
        var skipped = new List<SkippedFile>(scanSkipped);
        var errors = new List<string>();
        var group = new List<PendingFile>();
        var groupEncodeCount = 0;
        var done = 0;
        // Bytes of the files before each one in pass order: how far through the pass it is, for the codec's
        // estimate of the vectors the pass will reach (by bytes, not files: the codec's sample comes first and is
        // drawn in proportion to size, so its files are the large ones).
        var bytesBefore = new long[files.Count + 1];
        for (var i = 0; i < files.Count; i++)
        {
            bytesBefore[i + 1] = bytesBefore[i] + files[i].Size;
        }
        var cancelled = false;
        // Chunks made by an older chunker: this pass reads and re-chunks every file, however unchanged.
        var rechunk = store.ChunkerVersion < ChunkerSet.Version;
        stats.InIndex = FileCounts.Of(known.Values);

        // Deletions first, in one transaction: cheap, and search stops showing vanished files at once.
        if (deletions.Count > 0)
        {
            var stored = store.Commit([], deletions);
            cache?.Apply(stored, deletions);
            stats.Deleted = deletions.Count;
            stats.InIndex = deletions.Aggregate(stats.InIndex, (counts, path) => counts.Without(known[path]));
        }

        foreach (var file in files)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                cancelled = true;
                break;
            }
            known.TryGetValue(file.RelativePath, out var record);
            var stamp = file.LastWriteUtc.Ticks;
            if (record is not null && record.Size == file.Size && record.LastWriteTicks == stamp && !rechunk)
            {
                stats.Unchanged++;
                stats.ChunksTotal += record.ChunkIds.Count;
                stats.Count(record, skipped);
                done++;
                continue;
            }

            byte[] bytes;
            try
            {
                if (WorkspaceFileReader.Read(file, scanOptions.MaxFileBytes, out var unread) is not { } read)
                {
                    // Became something else since the scan (grew past the limit, replaced by a pipe): keep the old record.
                    skipped.Add(unread!);
                    stats.Files = stats.Files.With(indexed: false);
                    done++;
                    continue;
                }
                bytes = read;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Keep whatever was indexed before; a locked file is usually readable on the next pass.
                skipped.Add(new SkippedFile(file.RelativePath, SkipReason.Unreadable, ex.Message));
                errors.Add($"{file.RelativePath}: {ex.Message}");
                stats.Files = stats.Files.With(indexed: record is { Skipped: null });
                done++;
                continue;
            }

            var hash = ContentHash.Of(bytes, 32);
            if (record is not null && record.ContentHash == hash && !rechunk)
            {
                store.Touch(record with { Size = file.Size, LastWriteTicks = stamp });
                stats.Touched++;
                stats.ChunksTotal += record.ChunkIds.Count;
                stats.Count(record, skipped);
                done++;
                continue;
            }

            if (record is null)
            {
                stats.Added++;
            }
            else if (record.ContentHash == hash)
            {
                stats.Rechunked++;
            }
            else
            {
                stats.Changed++;
            }

            var pending = Plan(file, bytes, hash, stamp);
            if (pending.Record.Skipped is { } reason)
            {
                skipped.Add(new SkippedFile(file.RelativePath, reason, pending.Record.SkipDetail ?? ""));
            }
            group.Add(pending);
            groupEncodeCount += pending.ToEncode.Count;
            done++;

            if (groupEncodeCount >= CurrentGroupChunkTarget || group.Count >= GroupFileTarget)
            {
                if (!Flush(group, known, stats, cancellationToken))
                {
                    cancelled = true;
                    break;
                }
                CompressOnceLarge(bytesBefore[done], bytesBefore[files.Count], cancellationToken);
                group.Clear();
                groupEncodeCount = 0;
                progress?.Report(new IndexProgress(done, files.Count, stats.Encoded, file.RelativePath) { InIndex = stats.InIndex });
            }
        }

        if (!cancelled && group.Count > 0)
        {
            cancelled = !Flush(group, known, stats, cancellationToken);
        }
        if (!cancelled)
        {
            CompressOnceLarge(bytesBefore[done], bytesBefore[files.Count], cancellationToken);
        }
        // What the codec's error is on the vectors written in this pass (drift: VectorCompression.Drift).
        var (errorSum, errorCount) = stats.CodecError.Totals;
        if (errorCount > 0)
        {
            store.RecordCodecError(errorSum, errorCount, Compression.DriftMinimumSample);
        }
        if (!cancelled)
        {
            progress?.Report(new IndexProgress(done, files.Count, stats.Encoded, null) { InIndex = stats.InIndex });
            if (fullPass)
            {
                store.MarkCompleted();
                // Finishes a conversion to codes that an earlier run left incomplete (a no-op otherwise).
                var converting = Stopwatch.StartNew();
                if (store.Codec is not null && Compression.Apply(store, 0, cancellationToken))
                {
                    cache?.Reload(store);
                }
                _compressionTime += converting.Elapsed;
            }
            store.Checkpoint();
        }

        return new IndexRunResult(
            files.Count,
            stats.Unchanged,
            stats.Touched,
            stats.Added,
            stats.Changed,
            stats.Deleted,
            stats.Encoded,
            stats.Reused,
            stats.ChunksTotal,
            stats.EncodedIds,
            skipped,
            errors,
            cancelled,
            clock.Elapsed)
        {
            CompressionTime = _compressionTime,
            FilesIndexed = stats.Files.Indexed,
            FilesSkipped = stats.Files.Skipped,
            InIndex = stats.InIndex,
            FilesRechunked = stats.Rechunked,
        };
    }

    /// <summary>Decides what a changed file becomes: a skip record, or chunks (reused or to encode).</summary>
    private PendingFile Plan(WorkspaceFile file, byte[] bytes, string hash, long stamp)
    {
        var skip = ContentClassifier.Classify(file.RelativePath, bytes);
        if (skip is not null)
        {
            var skipRecord = new FileRecord(file.RelativePath, file.Size, stamp, hash, file.Language, [], skip.Reason, skip.Detail);
            return new PendingFile(skipRecord, [], [], []);
        }

        var text = ContentClassifier.Decode(bytes);
        var chunks = _chunkers.ChunkFile(new SourceFile(file.RelativePath, file.Language, text));
        var previous = store.LoadChunksOfFile(file.RelativePath);
        var slots = new StoredChunk?[chunks.Count];
        var toEncode = new List<(int Slot, string Text, int HeaderLength, string EncodingHash)>();
        for (var i = 0; i < chunks.Count; i++)
        {
            var encodingText = ChunkEncoding.TextFor(chunks[i], model, out var headerLength);
            var encodingHash = ContentHash.Of(encodingText, 32);
            if (previous.TryGetValue(chunks[i].Id, out var old) && old.EncodingHash == encodingHash)
            {
                // Same text through the same model: the stored vectors are exactly what encoding would give.
                slots[i] = old with { Chunk = chunks[i] };
            }
            else
            {
                toEncode.Add((i, encodingText, headerLength, encodingHash));
            }
        }
        var fileRecord = new FileRecord(file.RelativePath, file.Size, stamp, hash, file.Language, chunks.Select(c => c.Id).ToArray());
        return new PendingFile(fileRecord, chunks, slots, toEncode);
    }

    /// <summary>Encodes everything the group needs in one model call, then commits the group in one transaction.</summary>
    private bool Flush(List<PendingFile> group, Dictionary<string, FileRecord> known, Stats stats, CancellationToken cancellationToken)
    {
        var work = group.SelectMany(p => p.ToEncode.Select(e => (File: p, Item: e))).ToList();
        IReadOnlyList<TokenVectors> vectors;
        try
        {
            vectors = model.EncodeDocuments(work.Select(w => w.Item.Text).ToList(), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        // Writing codes costs K dot products per vector: spread over the cores (the model is idle meanwhile).
        var codec = store.Codec;
        Parallel.For(0, work.Count, i =>
        {
            var (pending, item) = work[i];
            var encoded = TokenPooling.ForIndex(vectors[i], store.PoolFactor);
            var stored = ToStored(pending.Chunks[item.Slot], item.EncodingHash, item.HeaderLength, encoded, codec);
            pending.Slots[item.Slot] = stored;
            if (codec is not null)
            {
                stats.CodecError.Add(codec, encoded, stored.Vectors);
            }
        });
        foreach (var (pending, item) in work)
        {
            stats.EncodedIds.Add(pending.Chunks[item.Slot].Id);
        }

        var updates = group.Select(p => new FileUpdate(p.Record, p.Slots.Select(s => s!).ToArray())).ToList();
        // Not folded into cache?.Apply(...): that would skip the commit itself when there is no cache.
        var stored = store.Commit(updates, []);
        cache?.Apply(stored, []);
        stats.Encoded += work.Count;
        stats.Reused += group.Sum(p => p.Chunks.Count - p.ToEncode.Count);
        stats.ChunksTotal += group.Sum(p => p.Chunks.Count);
        stats.Files = group.Aggregate(stats.Files, (counts, p) => counts.With(p.Record));
        stats.InIndex = group.Aggregate(stats.InIndex, (counts, p) => counts.Replacing(known.GetValueOrDefault(p.Record.Path), p.Record));
        return true;
    }

    /// <summary>
    /// Trains the index's codec as soon as it holds enough vectors (<see cref="VectorCompression.TrainsNow"/>), sized
    /// for the tokens the whole pass is expected to reach (so far × the pass's bytes / the bytes done); the groups
    /// after it are written as codes.
    /// </summary>
    private void CompressOnceLarge(long bytesDone, long bytesTotal, CancellationToken cancellationToken)
    {
        if (!TrainsCodec)
        {
            return;
        }
        var tokens = cache!.TokenVectors; // TrainsCodec: there is a cache
        var expected = bytesDone <= 0 ? tokens : (long)(tokens * ((double)Math.Max(bytesDone, bytesTotal) / bytesDone));
        if (!Compression.TrainsNow(tokens, expected, store.Info.Dim))
        {
            return;
        }
        var clock = Stopwatch.StartNew();
        if (Compression.Apply(store, expected, cancellationToken))
        {
            cache.Reload(store);
        }
        _compressionTime += clock.Elapsed;
    }

    /// <summary>Time spent in <see cref="VectorCompression.Apply"/> during the current pass (one pass at a time).</summary>
    private TimeSpan _compressionTime;

    /// <summary>A freshly encoded chunk as the store keeps it: codes straight from the floats when the index has a codec.</summary>
    internal static StoredChunk ToStored(Chunk chunk, string encodingHash, int headerLength, TokenVectors vectors, ResidualCodec? codec)
    {
        var starts = new int[vectors.Count];
        var lengths = new int[vectors.Count];
        for (var t = 0; t < vectors.Count; t++)
        {
            var start = vectors.TokenStarts.Length > t ? vectors.TokenStarts[t] : -1;
            // Offsets come relative to the encoded text; re-base them on the chunk text. Header tokens get -1.
            starts[t] = start >= headerLength ? start - headerLength : -1;
            lengths[t] = start >= headerLength ? vectors.TokenLengths[t] : 0;
        }
        var blob = codec is null ? VectorBlob.FromFloats(vectors.Data) : VectorBlob.FromFloats(vectors.Data, vectors.Count, codec);
        return new StoredChunk(chunk, encodingHash, vectors.Count, blob, starts, lengths);
    }

    private sealed record PendingFile(
        FileRecord Record,
        IReadOnlyList<Chunk> Chunks,
        StoredChunk?[] Slots,
        List<(int Slot, string Text, int HeaderLength, string EncodingHash)> ToEncode);

    private sealed class Stats
    {
        public int Unchanged;
        public int Touched;
        public int Added;
        public int Changed;
        public int Rechunked;
        public int Deleted;
        public int Encoded;
        public int Reused;
        public int ChunksTotal;
        /// <summary>The files this pass visited, by their fate.</summary>
        public FileCounts Files;

        /// <summary>The whole index's files, as of the last commit.</summary>
        public FileCounts InIndex;
        public List<string> EncodedIds { get; } = [];
        public CodecErrorSample CodecError { get; } = new();

        /// <summary>
        /// A file this pass did not read: indexed, or skipped as its record says (so every pass lists every file
        /// left out, as <c>status</c> does, not only those it read).
        /// </summary>
        public void Count(FileRecord record, List<SkippedFile> skipped)
        {
            if (record.Skipped is { } reason)
            {
                skipped.Add(new SkippedFile(record.Path, reason, record.SkipDetail ?? ""));
            }
            Files = Files.With(record);
        }
    }
}
