using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace SemanticSearch.TestSupport;

/// <summary>
/// A workspace of hostile content, made on disk by the test that uses it (nothing of it is committed): named pipes,
/// sockets, links to devices and to files outside the workspace, very long paths, deep trees. <see cref="Root"/> is
/// the workspace; <see cref="Outside"/> is a folder beside it, outside the workspace, for what must never be indexed.
/// Everything is deleted on dispose. Unix only (mkfifo, Unix sockets, /dev/zero), as are the machines the suites run on.
/// </summary>
public sealed class HostileWorkspace : IDisposable
{
    private readonly string _top = Directory.CreateTempSubdirectory("semsearch-hostile-").FullName;
    private readonly List<Socket> _sockets = [];

    public HostileWorkspace()
    {
        Root = Directory.CreateDirectory(Path.Combine(_top, "workspace")).FullName;
        Outside = Directory.CreateDirectory(Path.Combine(_top, "outside")).FullName;
    }

    public string Root { get; }

    public string Outside { get; }

    public string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Writes a UTF-8 file at a '/'-separated path inside the workspace, creating its folders.</summary>
    public string File(string relative, string content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Writes a file in <see cref="Outside"/> (a secret the workspace may point at) and returns its full path.</summary>
    public string OutsideFile(string relative, string content)
    {
        var path = Path.Combine(Outside, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A named pipe (FIFO) with no writer: opening it for reading blocks forever.</summary>
    public string Fifo(string relative)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // .NET has no mkfifo; the coreutils tool is on every Unix these tests run on.
        var info = new ProcessStartInfo("mkfifo") { UseShellExecute = false, RedirectStandardError = true };
        info.ArgumentList.Add(path);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"mkfifo {path} failed: {error}");
        }
        return path;
    }

    /// <summary>A Unix domain socket file, bound and not listening, until dispose (.NET removes the file when the socket closes).</summary>
    public string Socket(string relative)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _sockets.Add(socket);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return path;
    }

    /// <summary>A file symlink at <paramref name="relative"/> to <paramref name="target"/> (absolute, or relative to the link).</summary>
    public string Link(string relative, string target)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.CreateSymbolicLink(path, target);
        return path;
    }

    /// <summary>A directory symlink at <paramref name="relative"/> to <paramref name="target"/>.</summary>
    public string DirectoryLink(string relative, string target)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Directory.CreateSymbolicLink(path, target);
        return path;
    }

    /// <summary>
    /// A relative path of at least <paramref name="minBytes"/> UTF-8 bytes: nested folders of 100-byte names
    /// (file systems cap a name at 255 bytes, not a path), ending in <paramref name="fileName"/>. Returns the path.
    /// </summary>
    public static string LongPath(int minBytes, string fileName, char letter = 'd')
    {
        var path = new StringBuilder();
        var folder = 0;
        while (Encoding.UTF8.GetByteCount(path.ToString()) + Encoding.UTF8.GetByteCount(fileName) < minBytes)
        {
            path.Append(folder++.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)).Append(letter, 97).Append('/');
        }
        return path.Append(fileName).ToString();
    }

    /// <summary>A '/'-separated chain of <paramref name="depth"/> one-letter folders ("d/d/…/d").</summary>
    public static string DeepFolders(int depth) => string.Join('/', Enumerable.Repeat("d", depth));

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
        try
        {
            // Links are deleted as links: nothing outside the workspace is touched through them.
            TestFolders.Delete(_top);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a test.
        }
    }
}
