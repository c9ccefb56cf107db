using System.Security.Cryptography;
using System.Text;

namespace SemanticSearch.Miner;

/// <summary>
/// Train/validation split by package (a stable hash of the lower-cased name), so validation pairs come from
/// packages the model never saw and measure generalization, not memorization.
/// </summary>
public static class PackageSplit
{
    public static bool IsValidation(string package, double validFraction)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(package.ToLowerInvariant()));
        var bucket = BitConverter.ToUInt32(hash, 0) / (double)uint.MaxValue;
        return bucket < validFraction;
    }
}
