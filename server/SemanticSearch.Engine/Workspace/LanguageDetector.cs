namespace SemanticSearch.Engine.Workspace;

/// <summary>Maps a file name to the language id the chunkers understand.</summary>
public static class LanguageDetector
{
    /// <summary>The id used for every file without a dedicated chunker.</summary>
    public const string Text = "text";

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".cs"] = "csharp",
        [".csx"] = "csharp",
        [".py"] = "python",
        [".pyi"] = "python",
        [".pyw"] = "python",
        [".js"] = "javascript",
        [".jsx"] = "javascript",
        [".mjs"] = "javascript",
        [".cjs"] = "javascript",
        [".ts"] = "typescript",
        [".tsx"] = "typescript",
        [".mts"] = "typescript",
        [".cts"] = "typescript",
        [".go"] = "go",
        [".java"] = "java",
        [".rs"] = "rust",
        [".rb"] = "ruby",
        [".rake"] = "ruby",
        [".gemspec"] = "ruby",
        [".php"] = "php",
        [".md"] = "markdown",
        [".markdown"] = "markdown",
        [".c"] = "c",
        [".h"] = "c",
        [".cpp"] = "cpp",
        [".cc"] = "cpp",
        [".cxx"] = "cpp",
        [".c++"] = "cpp",
        [".hpp"] = "cpp",
        [".hh"] = "cpp",
        [".hxx"] = "cpp",
        [".h++"] = "cpp",
        [".ipp"] = "cpp",
        [".kt"] = "kotlin",
        [".kts"] = "kotlin",
        [".swift"] = "swift",
        [".scala"] = "scala",
        [".sc"] = "scala",
        [".sh"] = "shell",
        [".bash"] = "shell",
        [".zsh"] = "shell",
        [".ksh"] = "shell",
        [".ps1"] = "powershell",
        [".psm1"] = "powershell",
        [".psd1"] = "powershell",
        [".sql"] = "sql",
        [".html"] = "html",
        [".htm"] = "html",
        [".xhtml"] = "html",
        [".css"] = "css",
        [".scss"] = "css",
        [".less"] = "css",
        [".json"] = "json",
        [".jsonc"] = "json",
        [".json5"] = "json",
        [".yml"] = "yaml",
        [".yaml"] = "yaml",
        [".toml"] = "toml",
        [".xml"] = "xml",
        [".csproj"] = "xml",
        [".fsproj"] = "xml",
        [".vbproj"] = "xml",
        [".props"] = "xml",
        [".targets"] = "xml",
        [".nuspec"] = "xml",
        [".resx"] = "xml",
        [".xaml"] = "xml",
        [".axaml"] = "xml",
        [".xsd"] = "xml",
        [".xslt"] = "xml",
        [".svg"] = "xml",
        [".config"] = "xml",
        [".runsettings"] = "xml",
        [".plist"] = "xml",
    };

    // Extension-less names whose language is known; everything else falls back to "text".
    private static readonly Dictionary<string, string> ByFileName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Gemfile"] = "ruby",
        ["Rakefile"] = "ruby",
        [".bashrc"] = "shell",
        [".bash_profile"] = "shell",
        [".profile"] = "shell",
        [".zshrc"] = "shell",
    };

    /// <summary>Every id <see cref="FromPath"/> gives, sorted: what a language filter can name.</summary>
    public static IReadOnlyList<string> Ids { get; } =
        [.. ByExtension.Values.Concat(ByFileName.Values).Append(Text).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Language id from the file name/extension (case-insensitive). Anything without a dedicated chunker
    /// (README, LICENSE, Makefile, Dockerfile, .txt, .cfg, .ini, unknown extensions) is "text": the scanner
    /// does not judge a file by an unknown extension, the content classifier decides whether it is text.
    /// </summary>
    public static string FromPath(string relativePath)
    {
        var name = FileName(relativePath);
        if (ByFileName.TryGetValue(name, out var byName))
        {
            return byName;
        }
        var dot = name.LastIndexOf('.');
        // A leading dot alone (".gitignore") is a hidden-file marker, not an extension.
        if (dot > 0 && ByExtension.TryGetValue(name[dot..], out var byExtension))
        {
            return byExtension;
        }
        return Text;
    }

    internal static string FileName(string relativePath)
    {
        var slash = relativePath.LastIndexOfAny(['/', '\\']);
        return slash < 0 ? relativePath : relativePath[(slash + 1)..];
    }
}
