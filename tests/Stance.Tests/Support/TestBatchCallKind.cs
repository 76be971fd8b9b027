namespace Stance.Tests.Support;

/// <summary>The Files and Batches operations the test server serves (the first argument of
/// <see cref="TestBatchApi.Fault"/> and of <see cref="TestBatchApi.Count"/>).</summary>
internal enum TestBatchCallKind
{
    /// <summary><c>POST files</c>.</summary>
    Upload,

    /// <summary><c>GET files</c>.</summary>
    ListFiles,

    /// <summary><c>GET files/{id}</c>.</summary>
    RetrieveFile,

    /// <summary><c>GET files/{id}/content</c>.</summary>
    Download,

    /// <summary><c>DELETE files/{id}</c>.</summary>
    DeleteFile,

    /// <summary><c>POST batches</c>.</summary>
    Create,

    /// <summary><c>GET batches/{id}</c> (the call that moves a batch on).</summary>
    Retrieve,

    /// <summary><c>GET batches</c>.</summary>
    List,

    /// <summary><c>POST batches/{id}/cancel</c>.</summary>
    Cancel,
}
