using Microsoft.AspNetCore.Http.Features;

namespace Kagi.Server.Problems;

/// <summary>
/// Enforces a request body limit on endpoints, the same way on Kestrel and in the test host (which has no
/// MaxRequestBodySize): a Content-Length above the limit is refused before anything is read, and a body without a
/// length (chunked) is cut off once it passes the limit. Both answer 413 with the code body-too-large. Kestrel's own
/// limit is lifted for these requests, because when Kestrel refuses a body while minimal API binding reads it, the
/// binder swallows the error and no ProblemDetails can be written. Clients that send large bodies should send
/// "Expect: 100-continue": a refused Content-Length is then answered before the body is sent.
/// </summary>
public static class RequestBodyLimit
{
    /// <summary>Wraps every endpoint of <paramref name="builder"/> so its body is at most <paramref name="maxBytes"/> bytes.</summary>
    public static TBuilder LimitRequestBody<TBuilder>(this TBuilder builder, long maxBytes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        builder.Add(endpoint =>
        {
            RequestDelegate? inner = endpoint.RequestDelegate;
            if (inner is null)
            {
                return;
            }

            endpoint.RequestDelegate = context => InvokeAsync(context, inner, maxBytes);
        });
        return builder;
    }

    private static async Task InvokeAsync(HttpContext context, RequestDelegate inner, long maxBytes)
    {
        // Kestrel's limit is lifted first, also for a refused Content-Length: after the 413, Kestrel then drains the
        // rest of the body (for at most its drain timeout, 5 seconds) instead of closing the connection under a client
        // that is still sending, which would lose the response.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrelLimit)
        {
            kestrelLimit.MaxRequestBodySize = null;
        }

        if (context.Request.ContentLength > maxBytes)
        {
            await TooLarge(context).ConfigureAwait(false);
            return;
        }

        var limited = new LimitedStream(context.Request.Body, maxBytes);
        context.Request.Body = limited;
        context.Features.Set<IRequestBodyPipeFeature>(new RequestBodyPipeFeature(context));
        try
        {
            await inner(context).ConfigureAwait(false);
        }
        catch (RequestBodyTooLargeException) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await TooLarge(context).ConfigureAwait(false);
        }

        if (limited.Exceeded && !context.Response.HasStarted)
        {
            // The body was cut off inside code that swallowed the exception (e.g. the JSON binder): still 413.
            context.Response.Clear();
            await TooLarge(context).ConfigureAwait(false);
        }
    }

    private static Task TooLarge(HttpContext context) =>
        ApiProblem.Create(StatusCodes.Status413PayloadTooLarge, ErrorCodes.BodyTooLarge,
            "The request body is larger than the server accepts.").ExecuteAsync(context);

    /// <summary>Thrown by the limited body stream once more than the limit has been read.</summary>
    private sealed class RequestBodyTooLargeException() : Exception("The request body is too large.");

    private sealed class LimitedStream(Stream inner, long maxBytes) : Stream
    {
        private long _read;

        public bool Exceeded { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int read)
        {
            _read += read;
            if (_read > maxBytes)
            {
                Exceeded = true;
                throw new RequestBodyTooLargeException();
            }

            return read;
        }
    }
}
