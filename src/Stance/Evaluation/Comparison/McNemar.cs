namespace Stance.Evaluation.Comparison;

/// <summary>McNemar's exact test of two prompts on the same items: only the discordant items count, b that only A got
/// right and c that only B got right; under the null hypothesis each is A's or B's with probability ½, so the
/// two-sided p-value is min(1, 2·Σ_{k=0}^{min(b,c)} C(n, k) / 2^n) with n = b + c, and 1 when n = 0.</summary>
internal static class McNemar
{
    /// <summary>The largest n whose p-value is summed exactly in integers.</summary>
    public const int ExactUpTo = 62;

    /// <summary>Counts the discordant items (correct = the predicted label is the gold label) and tests
    /// them.</summary>
    public static McNemarResult Test(IEnumerable<ComparedItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var (onlyA, onlyB) = (0, 0);
        foreach (var item in items)
        {
            if (item.ACorrect && !item.BCorrect)
            {
                onlyA++;
            }
            else if (item.BCorrect && !item.ACorrect)
            {
                onlyB++;
            }
        }

        return new McNemarResult(onlyA, onlyB, ExactPValue(onlyA, onlyB));
    }

    /// <summary>The two-sided exact p-value for <paramref name="onlyA"/> = b and <paramref name="onlyB"/> = c. Up to
    /// n = <see cref="ExactUpTo"/> the binomial coefficients are summed exactly in integers (so 3 against 7 gives
    /// exactly 0.34375); beyond, in log space, so 2^n never overflows for n in the thousands: log C(n, k) grows term
    /// by term (log C(n, k) = log C(n, k − 1) + log(n − k + 1) − log k), the terms up to min(b, c) ≤ n/2 increase,
    /// so the sum is taken relative to the last (largest) one and scaled back once at the end.</summary>
    public static double ExactPValue(int onlyA, int onlyB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(onlyA);
        ArgumentOutOfRangeException.ThrowIfNegative(onlyB);
        var n = onlyA + onlyB;
        if (n == 0)
        {
            return 1;
        }

        var k = Math.Min(onlyA, onlyB);
        if (n <= ExactUpTo)
        {
            // Σ C(n, j) ≤ 2^62 and every C(n, j − 1)·(n − j + 1) fits in 128 bits; 2·sum / 2^n is one scaling.
            var (sum, binomial) = (UInt128.Zero, UInt128.One);
            for (var j = 0; j <= k; j++)
            {
                sum += binomial;
                binomial = binomial * (uint)(n - j) / (uint)(j + 1);
            }

            return Math.Min(1, Math.ScaleB((double)sum, 1 - n));
        }

        var logTerms = new double[k + 1];
        for (var j = 1; j <= k; j++)
        {
            logTerms[j] = logTerms[j - 1] + Math.Log(n - j + 1) - Math.Log(j);
        }

        var largest = logTerms[k];
        var relative = 0.0;
        foreach (var logTerm in logTerms)
        {
            relative += Math.Exp(logTerm - largest);
        }

        var logP = Math.Log(2) + largest + Math.Log(relative) - (n * Math.Log(2));
        return Math.Min(1, Math.Exp(logP));
    }
}
