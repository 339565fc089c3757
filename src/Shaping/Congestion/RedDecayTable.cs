using System.Runtime.CompilerServices;

namespace Qos.Shaping.Congestion;

/// <summary>
/// <c>(1 − 2^-n)^(2^k)</c> for k = 0.. in 32-bit fixed point, stored inline in a <see cref="RedProfile"/>.
/// Why this length: for the slowest weight (n = 12) the factor for 2^17 idle packets is already below 2^-32.
/// </summary>
[InlineArray(Length)]
internal struct RedDecayTable
{
    /// <summary>Number of factors: idle times of 2^Length packets or more always empty the average.</summary>
    public const int Length = 20;

    private uint _element0;
}
