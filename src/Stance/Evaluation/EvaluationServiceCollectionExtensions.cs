using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Stance.Evaluation;

/// <summary>Registers the gold-set evaluation.</summary>
internal static class EvaluationServiceCollectionExtensions
{
    /// <summary>Adds <see cref="EvalRunner"/> and <see cref="EvalOptions"/> (validated at start).</summary>
    public static IServiceCollection AddStanceEvaluation(this IServiceCollection services)
    {
        services.AddOptions<EvalOptions>().BindConfiguration(EvalOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EvalOptions>, EvalOptionsValidator>());
        return services.AddSingleton<EvalRunner>();
    }
}
