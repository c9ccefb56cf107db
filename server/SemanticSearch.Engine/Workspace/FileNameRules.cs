namespace SemanticSearch.Engine.Workspace;

/// <summary>Skip decisions made from the file name alone, at scan time, without reading the file.</summary>
internal static class FileNameRules
{
    private static readonly HashSet<string> BinaryExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        // images
        ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".icns", ".tif", ".tiff", ".webp", ".psd", ".heic", ".avif",
        // archives and packages
        ".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".zst", ".lz4", ".jar", ".war", ".ear",
        ".nupkg", ".snupkg", ".vsix", ".whl", ".deb", ".rpm", ".apk", ".msi", ".dmg", ".iso", ".img",
        // executables, libraries, object files, debug symbols, bytecode
        ".exe", ".dll", ".so", ".dylib", ".pdb", ".lib", ".a", ".o", ".obj", ".ilk", ".exp", ".class",
        ".pyc", ".pyo", ".pyd", ".wasm", ".bin",
        // fonts
        ".ttf", ".otf", ".woff", ".woff2", ".eot",
        // audio and video
        ".mp3", ".mp4", ".wav", ".ogg", ".flac", ".aac", ".m4a", ".avi", ".mov", ".mkv", ".webm", ".wmv",
        // documents
        ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt",
        // models and data
        ".onnx", ".pt", ".pth", ".safetensors", ".h5", ".pb", ".tflite", ".npy", ".npz", ".pkl", ".pickle",
        // databases
        ".db", ".sqlite", ".sqlite3", ".litedb", ".mdb",
        // keys and IDE state
        ".snk", ".pfx", ".p12", ".suo",
    };

    private static readonly HashSet<string> LockFiles = new(StringComparer.OrdinalIgnoreCase)
    {
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "Cargo.lock",
        "poetry.lock", "Pipfile.lock", "composer.lock", "Gemfile.lock", "packages.lock.json", "go.sum", "uv.lock",
    };

    // Suffixes of tool-generated sources; checked case-insensitively so "Form1.Designer.cs" matches.
    private static readonly string[] GeneratedSuffixes =
        [".g.cs", ".g.i.cs", ".designer.cs", ".generated.cs", ".map"];

    private static readonly string[] MinifiedSuffixes = [".min.js", ".min.css", ".min.mjs"];

    /// <summary>A skip for a file judged by its name, or null when the name says nothing.</summary>
    public static SkippedFile? Classify(string relativePath)
    {
        var name = LanguageDetector.FileName(relativePath);
        var dot = name.LastIndexOf('.');
        if (dot > 0 && BinaryExtensions.Contains(name[dot..]))
        {
            return new SkippedFile(relativePath, SkipReason.Binary, $"binary file type ({name[dot..].ToLowerInvariant()})");
        }
        if (LockFiles.Contains(name))
        {
            return new SkippedFile(relativePath, SkipReason.Generated, "lock file");
        }
        foreach (var suffix in MinifiedSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return new SkippedFile(relativePath, SkipReason.Minified, $"minified file name (*{suffix})");
            }
        }
        foreach (var suffix in GeneratedSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && name.Length > suffix.Length)
            {
                return new SkippedFile(relativePath, SkipReason.Generated, $"generated file name (*{suffix})");
            }
        }
        return null;
    }
}
