using LiteDB;

namespace SemanticSearch.TestSupport;

/// <summary>
/// Edits the header document of a closed index's LiteDB file (<c>meta</c>, <c>_id: "index"</c>) the way another
/// build, or a long life, would have left it: the tests' one way to reach states that take weeks to happen.
/// </summary>
public static class IndexHeader
{
    /// <summary>Applies <paramref name="change"/> and drops the checksum, as a build from before document checksums wrote it.</summary>
    public static void Edit(string databasePath, Action<BsonDocument> change)
    {
        using var db = new LiteDatabase(new ConnectionString { Filename = databasePath, Connection = ConnectionType.Direct });
        var meta = db.GetCollection("meta");
        var header = meta.FindById("index");
        change(header);
        header.Remove("sum");
        meta.Update(header);
    }

    /// <summary>
    /// Records codec drift past the factor that advises re-training: a reference of <paramref name="samples"/>
    /// sampled vectors at mean error 0.05 and as many written since at 0.2, the training pass completed.
    /// </summary>
    public static void MakeCodecDrift(string databasePath, long samples = 20_000) => Edit(databasePath, header =>
    {
        header["codecRefSum"] = samples * 0.05;
        header["codecRefCount"] = samples;
        header["codecErrSum"] = samples * 0.2;
        header["codecErrCount"] = samples;
        header["codecPassDone"] = true;
    });
}
