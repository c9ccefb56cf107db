namespace SemanticSearch.Engine.Workspace;

/// <summary>
/// Reads workspace files: only what is a regular file at the moment of reading, and never more than the size limit
/// (one byte more tells that a file is over it), whatever the file became after the scan measured it.
/// </summary>
internal static class WorkspaceFileReader
{
    /// <summary>The bytes of a file the scan accepted, or null with the skip it now deserves.</summary>
    public static byte[]? Read(WorkspaceFile file, long maxBytes, out SkippedFile? skipped)
    {
        // Asked again now: the scan's answer may be minutes old, and open(2) on a pipe blocks until a writer comes.
        var kind = FileKinds.Of(file.FullPath, followLinks: true);
        if (FileKinds.IsSpecial(kind))
        {
            skipped = new SkippedFile(file.RelativePath, SkipReason.SpecialFile, $"{FileKinds.Describe(kind)}, never opened");
            return null;
        }
        var bytes = ReadAtMost(file.FullPath, maxBytes);
        skipped = bytes is null
            ? new SkippedFile(file.RelativePath, SkipReason.TooLarge, $"over the {WorkspaceScanner.FormatSize(maxBytes)} limit when read (it grew after the scan)")
            : null;
        return bytes;
    }

    /// <summary>
    /// The bytes of <paramref name="path"/>, or null when it holds more than <paramref name="maxBytes"/>. Reads at most
    /// <paramref name="maxBytes"/> + 1 bytes, so a file whose length is unknown or wrong (it grows, a device) costs
    /// no more than the limit.
    /// </summary>
    public static byte[]? ReadAtMost(string path, long maxBytes)
    {
        var cap = (int)Math.Clamp(maxBytes, 0, Array.MaxLength);
        // Unbuffered: the bytes go straight into the result, and the probe below reads one byte, not a buffer's worth.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        var buffer = new byte[(int)Math.Clamp(stream.CanSeek ? stream.Length : 0, 0, cap)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                // As long as measured (the usual case ends here), or longer: one more byte says which.
                var next = stream.ReadByte();
                if (next < 0)
                {
                    return buffer;
                }
                if (total == cap)
                {
                    return null;
                }
                Array.Resize(ref buffer, (int)Math.Min(cap, Math.Max(4096, 2L * buffer.Length)));
                buffer[total++] = (byte)next;
                continue;
            }
            var read = stream.Read(buffer, total, buffer.Length - total);
            if (read == 0)
            {
                return total == buffer.Length ? buffer : buffer[..total];
            }
            total += read;
        }
    }
}
