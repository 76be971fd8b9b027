using Microsoft.Extensions.Options;
using Stance.Contract;

namespace Stance.Scoring;

/// <summary>The run's spending against <c>Stance:Budget:MaxCost</c>: what its answers cost (the tokens the provider
/// reported, priced with <see cref="PricingOptions"/>) and what the requests in flight may cost (their estimate, until
/// their answer arrives). A request is sent only if the spend so far, the requests in flight and its own estimate stay
/// within the cap; the first one that would not closes the budget, and no paid request goes out after it. One object
/// for the process, started afresh by each run.</summary>
internal sealed class RunBudget(IOptions<BudgetOptions> options, IOptions<PricingOptions> pricing)
{
    private readonly Lock _lock = new();
    private double _spent;
    private double _inFlight;
    private string? _exceeded;

    /// <summary>The cap, or null when there is none.</summary>
    public double? MaxCost => options.Value.MaxCost;

    /// <summary>The prices the spend is counted with.</summary>
    public PricingOptions Pricing => pricing.Value;

    /// <summary>Why the budget closed, or null while it is open.</summary>
    public string? Exceeded
    {
        get
        {
            lock (_lock)
            {
                return _exceeded;
            }
        }
    }

    /// <summary>What the run's finished requests cost so far.</summary>
    public double Spent
    {
        get
        {
            lock (_lock)
            {
                return _spent;
            }
        }
    }

    /// <summary>A run starts: nothing is spent yet and the budget is open.</summary>
    public void RunStarted()
    {
        lock (_lock)
        {
            _spent = 0;
            _inFlight = 0;
            _exceeded = null;
        }
    }

    /// <summary>Throws when the budget is closed (before a request waits for its turn).</summary>
    /// <exception cref="RunAbortedException">The budget is closed.</exception>
    public void ThrowIfExceeded()
    {
        if (Exceeded is { } reason)
        {
            throw Stop(reason);
        }
    }

    /// <summary>Reserves the estimate of a request that is about to be sent; settle it once it ends.</summary>
    /// <exception cref="RunAbortedException">The request would pass the cap (the budget closes) or the budget is
    /// closed already.</exception>
    public BudgetSpend Reserve(RequestEstimate request)
    {
        var estimate = pricing.Value.Price(request.PromptTokens, request.AnswerTokens);
        lock (_lock)
        {
            if (_exceeded is null && MaxCost is { } max && _spent + _inFlight + estimate > max)
            {
                _exceeded = Describe("the next request", max, _spent, _inFlight, estimate);
            }

            if (_exceeded is { } reason)
            {
                throw Stop(reason);
            }

            _inFlight += estimate;
        }

        return new BudgetSpend(this, estimate);
    }

    /// <summary>True when a batch request file estimated at <paramref name="estimate"/> fits, with
    /// <paramref name="committed"/> (what the run's batches cost or may cost) on top of the spend so far; otherwise the
    /// budget closes and false.</summary>
    public bool AdmitsBatchFile(double committed, double estimate, int part)
    {
        lock (_lock)
        {
            if (_exceeded is null && MaxCost is { } max && _spent + _inFlight + committed + estimate > max)
            {
                _exceeded = Describe($"batch request file {part}", max, _spent + committed, _inFlight, estimate);
            }

            return _exceeded is null;
        }
    }

    /// <summary>Adds what was paid outside a request of this process (the run's batches).</summary>
    public void Record(double cost)
    {
        lock (_lock)
        {
            _spent += cost;
        }
    }

    /// <summary>What a batch request file of <paramref name="tokens"/> estimated tokens may cost, of which
    /// <paramref name="answerTokens"/> are the answers' bounds: at the batch price.</summary>
    public double BatchFileEstimate(long tokens, long answerTokens) =>
        pricing.Value.Price(Math.Max(0, tokens - answerTokens), answerTokens) * pricing.Value.BatchDiscount;

    /// <summary>What batch answers of the given tokens cost: at the batch price.</summary>
    public double BatchCost(long inputTokens, long outputTokens, long cachedInputTokens) =>
        pricing.Value.Price(inputTokens, outputTokens, cachedInputTokens) * pricing.Value.BatchDiscount;

    internal void Settle(double estimate, double cost)
    {
        lock (_lock)
        {
            _inFlight = Math.Max(0, _inFlight - estimate);
            _spent += cost;
        }
    }

    private static RunAbortedException Stop(string reason) => new(FailureKind.Budget, reason);

    private string Describe(string what, double max, double spent, double inFlight, double estimate) =>
        FormattableString.Invariant(
            $"{what} would pass the budget Stance:Budget:MaxCost {max:0.######} {pricing.Value.Currency} ")
        + FormattableString.Invariant(
            $"({spent:0.######} spent, {inFlight:0.######} in flight, this one up to {estimate:0.######}); ")
        + "no further paid request is made, the finished work is kept";
}

/// <summary>The estimate of one request in flight, held against the budget until the request ends.</summary>
internal sealed class BudgetSpend(RunBudget budget, double estimate)
{
    private int _settled;

    /// <summary>The request ended: with the tokens the provider reported, or (null) at its estimate, since an
    /// answer that did not arrive may still have been generated and billed.</summary>
    public void Settle(TokenUsage? usage)
    {
        if (Interlocked.Exchange(ref _settled, 1) == 0)
        {
            budget.Settle(
                estimate,
                usage is { } used
                    ? budget.Pricing.Price(used.InputTokens, used.OutputTokens, used.CachedInputTokens ?? 0)
                    : estimate);
        }
    }

    /// <summary>The request was not sent after all: it cost nothing.</summary>
    public void Release() => Settle(TokenUsage.None);
}
