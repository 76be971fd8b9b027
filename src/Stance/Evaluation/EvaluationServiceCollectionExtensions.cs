using Microsoft.Extensions.DependencyInjection;

namespace Stance.Evaluation;

/// <summary>Registers the gold-set evaluation.</summary>
internal static class EvaluationServiceCollectionExtensions
{
    /// <summary>Adds <see cref="EvalRunner"/>.</summary>
    public static IServiceCollection AddStanceEvaluation(this IServiceCollection services) =>
        services.AddSingleton<EvalRunner>();
}
