using System.Numerics;
using System.Runtime.CompilerServices;

namespace SemanticSearch.Engine.Common;

/// <summary>SIMD helpers shared by the kernels (MaxSim, nearest centroid).</summary>
internal static class Simd
{
    /// <summary>
    /// a·b + c, fused where the CPU has FMA (x64 FMA3, Arm64 AdvSimd): one instruction instead of two, which is half
    /// the work of the kernels' inner loops. Elsewhere a multiply and an add (Vector.FusedMultiplyAdd would fall
    /// back to slow exact software rounding).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> MultiplyAdd(Vector<float> a, Vector<float> b, Vector<float> c) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported
            ? Vector.FusedMultiplyAdd(a, b, c)
            : (a * b) + c;
}
