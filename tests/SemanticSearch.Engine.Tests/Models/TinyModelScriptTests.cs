using System.Diagnostics;
using SemanticSearch.Engine.Models;
using SemanticSearch.TestSupport;

namespace SemanticSearch.Engine.Tests.Models;

/// <summary>The generator script itself: same seed, same bytes; different seed, different weights.</summary>
public sealed class TinyModelScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("semsearch-tinyscript-").FullName;

    public void Dispose() => TestFolders.Delete(_dir);

    private string Build(string name, int seed)
    {
        var output = Path.Combine(_dir, name);
        var psi = new ProcessStartInfo(TinyModel.Python) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { TinyModel.Script, "--out", output, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err.Result);
        return output;
    }

    [Fact]
    public void SameSeedGivesSameModel()
    {
        var a = Build("a", 7);
        var b = Build("b", 7);
        var c = Build("c", 8);
        var onnxA = File.ReadAllBytes(Path.Combine(a, "model.onnx"));
        Assert.Equal(onnxA, File.ReadAllBytes(Path.Combine(b, "model.onnx")));
        Assert.NotEqual(onnxA, File.ReadAllBytes(Path.Combine(c, "model.onnx")));
        var manifest = ModelManifest.Load(Path.Combine(a, ModelManifest.FileName));
        Assert.True(manifest.Tokenizer.SplitIdentifiers);
        Assert.Equal("colbert", manifest.Kind);
        Assert.Equal(32, manifest.Dim);
        Assert.Equal(256, manifest.Document.MaxLength);
    }
}
