namespace Stance.Evaluation.Agreement;

/// <summary>Krippendorff's coincidence matrix of nominal reliability data: o[c, k] counts the pairs of values (c, k)
/// coded in the same unit by different coders, each pair of a unit with m_u pairable values weighted
/// 1/(m_u − 1), so that every pairable value contributes exactly 1 to its row. Units with fewer than two values
/// are not pairable and left out.</summary>
internal sealed class CoincidenceMatrix
{
    private readonly double[,] _o;

    private CoincidenceMatrix(IReadOnlyList<string> values, double[,] o, int pairableUnits)
    {
        Values = values;
        _o = o;
        PairableUnits = pairableUnits;
        var totals = new double[values.Count];
        for (var c = 0; c < values.Count; c++)
        {
            for (var k = 0; k < values.Count; k++)
            {
                totals[c] += o[c, k];
            }
        }

        Totals = totals;
        Total = totals.Sum();
    }

    /// <summary>The values that occur in a pairable unit, in ordinal order (the rows and columns).</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>n_c: the row totals, the number of pairable values equal to <see cref="Values"/>[c].</summary>
    public IReadOnlyList<double> Totals { get; }

    /// <summary>n: the number of pairable values.</summary>
    public double Total { get; }

    /// <summary>The units with at least two values.</summary>
    public int PairableUnits { get; }

    /// <summary>o[c, k] for the values at <paramref name="c"/> and <paramref name="k"/> in
    /// <see cref="Values"/>.</summary>
    public double this[int c, int k] => _o[c, k];

    /// <summary>o[c, k] by value; 0 for a value that is not in the matrix.</summary>
    public double this[string c, string k]
    {
        get
        {
            var (row, column) = (IndexOf(c), IndexOf(k));
            return row < 0 || column < 0 ? 0 : _o[row, column];
        }
    }

    /// <summary>The coincidences of <paramref name="units"/> (each a list of the coders' values, null where a coder
    /// gave none).</summary>
    public static CoincidenceMatrix Of(IReadOnlyList<IReadOnlyList<string?>> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        var pairable = new List<Dictionary<string, int>>(units.Count);
        var values = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var unit in units)
        {
            ArgumentNullException.ThrowIfNull(unit, nameof(units));
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var value in unit)
            {
                if (value is not null)
                {
                    counts[value] = counts.GetValueOrDefault(value) + 1;
                }
            }

            if (counts.Values.Sum() >= 2)
            {
                pairable.Add(counts);
                values.UnionWith(counts.Keys);
            }
        }

        var ordered = values.ToList();
        var index = ordered.Select((value, i) => (value, i))
            .ToDictionary(x => x.value, x => x.i, StringComparer.Ordinal);
        var o = new double[ordered.Count, ordered.Count];
        foreach (var counts in pairable)
        {
            // m_u values give m_u·(m_u − 1) ordered pairs; n_uc·n_uk of them are (c, k) for c ≠ k and
            // n_uc·(n_uc − 1) are (c, c).
            var weight = 1.0 / (counts.Values.Sum() - 1);
            foreach (var (c, nc) in counts)
            {
                foreach (var (k, nk) in counts)
                {
                    o[index[c], index[k]] += (c == k ? nc * (nc - 1) : nc * nk) * weight;
                }
            }
        }

        return new CoincidenceMatrix(ordered, o, pairable.Count);
    }

    /// <summary>Nominal α = 1 − D_o / D_e with the observed disagreement D_o = (1/n)·Σ_{c≠k} o[c, k] and the
    /// expected disagreement D_e = 1/(n·(n − 1))·Σ_{c≠k} n_c·n_k; NaN when D_e is 0 or there are fewer than two
    /// pairable values (no variation: α is undefined).</summary>
    public double NominalAlpha()
    {
        var n = Total;
        if (n < 2)
        {
            return double.NaN;
        }

        var (observed, expected) = (0.0, 0.0);
        for (var c = 0; c < Values.Count; c++)
        {
            for (var k = 0; k < Values.Count; k++)
            {
                if (c != k)
                {
                    observed += _o[c, k];
                    expected += Totals[c] * Totals[k];
                }
            }
        }

        if (expected == 0)
        {
            return double.NaN;
        }

        var disagreementObserved = observed / n;
        var disagreementExpected = expected / (n * (n - 1));
        return 1 - (disagreementObserved / disagreementExpected);
    }

    private int IndexOf(string value)
    {
        for (var i = 0; i < Values.Count; i++)
        {
            if (string.Equals(Values[i], value, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
