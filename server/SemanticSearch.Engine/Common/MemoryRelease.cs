using System.Runtime.InteropServices;

namespace SemanticSearch.Engine.Common;

/// <summary>
/// Hands back to the OS the memory an indexing pass needed only while it ran, for a process that stays up after it
/// (the language server): measured with <c>scripts/bench-server-reopen.mjs</c> (idleMemoryMB), a server kept twice
/// the private memory of a freshly opened one after its first pass.
/// </summary>
public static partial class MemoryRelease
{
    /// <summary>
    /// Two holders of freed memory, after a pass: the GC keeps the pass's garbage (each group's vectors, tokenizer
    /// buffers) as free space, which a decommitting collection returns; glibc keeps what ONNX Runtime freed (its
    /// arena shrinks after each group, <see cref="Models.EmbeddingModel"/>) in its own heaps until asked to trim them.
    /// One full collection: call it once per pass, not per group.
    /// </summary>
    public static void AfterPass()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = MallocTrim(0);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                // Not glibc (musl, for one): nothing to trim there.
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
