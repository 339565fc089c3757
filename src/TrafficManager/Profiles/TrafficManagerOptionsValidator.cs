using Microsoft.Extensions.Options;

namespace Qos.TrafficManager.Profiles;

/// <summary>Validates <see cref="TrafficManagerOptions"/> by compiling them: the failure is the <see cref="ProfileException"/> message, line included.</summary>
internal sealed class TrafficManagerOptionsValidator : IValidateOptions<TrafficManagerOptions>
{
    public ValidateOptionsResult Validate(string? name, TrafficManagerOptions options)
    {
        try
        {
            ProfileCompiler.Compile(options);
            return ValidateOptionsResult.Success;
        }
        catch (ProfileException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
