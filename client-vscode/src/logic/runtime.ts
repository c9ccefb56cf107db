// Where the .NET runtime that runs the server is, when the user set no dotnetPath: PATH first (as a spawn would
// look), then DOTNET_ROOT and the places the installers put it. A GUI-started editor often has a shorter PATH
// than a terminal (no ~/.dotnet, no /usr/local/share/dotnet on macOS), and the user should not have to configure
// anything for a runtime that is installed. Kept free of `vscode` and `fs` so tests can give it a file system.
import * as path from 'node:path';

export interface RuntimeLookup {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
  exists: (file: string) => boolean;
}

/** The dotnet executable found, or undefined when none is (the caller names the missing runtime). */
export function findDotnet(lookup: RuntimeLookup): string | undefined {
  const windows = lookup.platform === 'win32';
  const join = windows ? path.win32.join : path.posix.join;
  const exe = windows ? 'dotnet.exe' : 'dotnet';
  const onPath = (lookup.env.PATH ?? lookup.env.Path ?? '').split(windows ? ';' : ':').filter(Boolean).map((dir) => join(dir, exe));
  const roots = [lookup.env.DOTNET_ROOT, lookup.env.DOTNET_ROOT_X64, lookup.env.DOTNET_ROOT_ARM64].filter((r): r is string => Boolean(r));
  const wellKnown = windows
    ? [lookup.env.ProgramFiles && join(lookup.env.ProgramFiles, 'dotnet'), lookup.env.LOCALAPPDATA && join(lookup.env.LOCALAPPDATA, 'Microsoft', 'dotnet')]
    : [
      join(lookup.home, '.dotnet'),
      '/usr/local/share/dotnet', // macOS installer
      '/opt/homebrew/opt/dotnet/libexec',
      '/usr/share/dotnet', // Microsoft's Linux packages
      '/usr/lib/dotnet', // distribution packages (Ubuntu, Fedora)
      '/usr/lib64/dotnet',
      '/opt/dotnet',
      '/snap/dotnet-sdk/current',
    ];
  const candidates = [...onPath, ...[...roots, ...wellKnown].filter((r): r is string => Boolean(r)).map((root) => join(root, exe))];
  return candidates.find((file) => lookup.exists(file));
}
