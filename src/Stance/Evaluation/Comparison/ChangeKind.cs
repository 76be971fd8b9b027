namespace Stance.Evaluation.Comparison;

/// <summary>How prompt B's label on an item relates to prompt A's, most informative first.</summary>
internal enum ChangeKind
{
    /// <summary>A was wrong, B is right.</summary>
    Fixed,

    /// <summary>A was right, B is wrong.</summary>
    Broke,

    /// <summary>Both are wrong, with different labels.</summary>
    BothWrong,

    /// <summary>Both gave the same label.</summary>
    Unchanged,
}
