using System.Runtime.InteropServices;

namespace SemanticSearch.Engine.Workspace;

/// <summary>What a path is on disk, as the operating system reports it.</summary>
internal enum FileKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    NamedPipe,
    Socket,
    CharacterDevice,
    BlockDevice,
    Other,
}

/// <summary>
/// The file type of a path and the real path behind links: what decides whether the scanner may open a file at all.
/// </summary>
/// <remarks>
/// .NET has no public API for the file type on Unix: <see cref="FileSystemInfo.Attributes"/> reports a named pipe,
/// a socket and a device as <see cref="FileAttributes.Normal"/>, and <see cref="File.GetUnixFileMode(string)"/> drops
/// the type bits. So the type comes from stat(2)/lstat(2) through the runtime's own native shim (libSystem.Native,
/// which every System.IO call on Unix goes through): its <c>FileStatus</c> starts with two int32s, <c>Flags</c> and
/// <c>Mode</c>, and <c>Mode</c> carries the type as the shim's portable <c>S_IF*</c> values (the Linux ones on every
/// OS). Should the shim ever lack these exports, the managed view is used (a pipe then looks regular; the bounded
/// read still keeps a device from being read without end).
/// </remarks>
internal static partial class FileKinds
{
    /// <summary>Links followed in one path before it counts as a loop (Linux's ELOOP limit).</summary>
    private const int MaxLinks = 40;

    private const int TypeMask = 0xF000;

    private static bool s_nativeMissing;

    /// <summary>What <paramref name="path"/> is; with <paramref name="followLinks"/> false a link is <see cref="FileKind.SymbolicLink"/>.</summary>
    public static FileKind Of(string path, bool followLinks)
    {
        if (!OperatingSystem.IsWindows() && !s_nativeMissing)
        {
            try
            {
                var status = default(NativeFileStatus);
                var result = followLinks ? Stat(path, ref status) : LStat(path, ref status);
                return result == 0 ? FromMode(status.Mode) : FileKind.Missing;
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                s_nativeMissing = true;
            }
        }
        return Managed(path, followLinks);
    }

    /// <summary>Anything that is neither a regular file, a directory nor a link: opening it may block or never end.</summary>
    public static bool IsSpecial(FileKind kind) => kind is FileKind.NamedPipe or FileKind.Socket or FileKind.CharacterDevice or FileKind.BlockDevice or FileKind.Other;

    /// <summary>"a named pipe (FIFO)" and the like, for skip details.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.NamedPipe => "a named pipe (FIFO)",
        FileKind.Socket => "a socket",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Directory => "a directory",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        _ => "not a regular file",
    };

    /// <summary>
    /// <paramref name="path"/> with every symbolic link in it resolved, component by component as realpath(3) does
    /// (a link's target may itself pass through linked folders); null when the links go round in a loop. Components
    /// that do not exist are kept as they are.
    /// </summary>
    public static string? RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full)!;
        var pending = new Stack<string>();
        Push(pending, full[current.Length..]);
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Join(current, part);
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                target = null;
            }
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks)
            {
                return null;
            }
            if (Path.IsPathRooted(target))
            {
                var targetFull = Path.GetFullPath(target);
                current = Path.GetPathRoot(targetFull)!;
                target = targetFull[current.Length..];
            }
            Push(pending, target);
        }
        return current;
    }

    /// <summary>Whether <paramref name="realPath"/> is <paramref name="realRoot"/> or below it (both from <see cref="RealPath"/>).</summary>
    public static bool IsUnder(string realPath, string realRoot, bool ignoreCase)
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var root = Path.TrimEndingDirectorySeparator(realRoot);
        // "/" and "C:\" keep their separator; any other root needs one, so that /work/a is not under /work/ab.
        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return realPath.Equals(root, comparison) || realPath.StartsWith(prefix, comparison);
    }

    /// <summary>Pushes the components of a relative path so that the first one pops first.</summary>
    private static void Push(Stack<string> pending, string relative)
    {
        var parts = relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }

    // The shim's S_IF* values (src/native/libs/System.Native/pal_io.h in dotnet/runtime).
    private static FileKind FromMode(int mode) => (mode & TypeMask) switch
    {
        0x8000 => FileKind.Regular,
        0x4000 => FileKind.Directory,
        0xA000 => FileKind.SymbolicLink,
        0x1000 => FileKind.NamedPipe,
        0xC000 => FileKind.Socket,
        0x2000 => FileKind.CharacterDevice,
        0x6000 => FileKind.BlockDevice,
        _ => FileKind.Other,
    };

    private static FileKind Managed(string path, bool followLinks)
    {
        FileSystemInfo info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            if (!followLinks)
            {
                return FileKind.SymbolicLink;
            }
            var final = info.ResolveLinkTarget(returnFinalTarget: true);
            if (final is null || !final.Exists)
            {
                return FileKind.Missing;
            }
            info = final;
        }
        if (Directory.Exists(info.FullName))
        {
            return FileKind.Directory;
        }
        if (!info.Exists)
        {
            return FileKind.Missing;
        }
        return (info.Attributes & FileAttributes.Device) != 0 ? FileKind.CharacterDevice : FileKind.Regular;
    }

    /// <summary>The shim's FileStatus: only its first two fields are read; the size leaves room for all the others.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct NativeFileStatus
    {
        public int Flags;
        public int Mode;
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, ref NativeFileStatus status);

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_LStat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LStat(string path, ref NativeFileStatus status);
}
