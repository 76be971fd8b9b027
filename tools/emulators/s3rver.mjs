// Starts s3rver 3.7.1 (an S3 emulator) for the tests, with the parts of the S3 API that Stance uses and s3rver
// lacks added as a Koa middleware ahead of its router.
//
// Usage: node s3rver.mjs --port <n|0> --directory <folder> --bucket <name> [--exit-with-stdin]
//   Listens on 127.0.0.1 (port 0: a free port), keeps its files in <folder>, creates <bucket>, logs nothing, and
//   prints one line "listening <port>" to stdout once requests are accepted. With --exit-with-stdin it exits when
//   its stdin closes (the test process that started it died). Credentials: access key S3RVER, secret S3RVER (V4
//   signatures are parsed but not verified by s3rver).
//
// Behaviours added (real S3 has them; s3rver 3.7.1 does not -- its routes.js answers GET ?uploads with
// NotImplemented, has no DELETE ?uploadId, rejects GET ?uploadId and ignores If-None-Match / If-Match on writes):
//   1. Conditional writes (S3 "conditional requests"):
//      - PUT object and POST complete-multipart-upload with "If-None-Match: *" -> 412 PreconditionFailed when an
//        object already has the key.
//      - PUT object and POST complete with "If-Match: <etag>" -> 404 NoSuchKey when there is no object, 412
//        PreconditionFailed when its ETag differs (compared without quotes; "*" matches any ETag).
//      - DELETE object with "If-Match: <etag>" -> 404 NoSuchKey when absent, 412 PreconditionFailed when the ETag
//        differs.
//      Every write of an object (PUT, DELETE, POST complete) is serialized per bucket and key by an in-process
//      promise chain, so the check and the write are atomic: of concurrent "If-None-Match: *" PUTs of one key,
//      exactly one succeeds.
//   2. ListMultipartUploads: GET /bucket?uploads[&prefix=P] -> ListMultipartUploadsResult with an Upload (Key,
//      UploadId, Initiator, Owner, StorageClass, Initiated) per upload neither completed nor aborted, ordered by key
//      then initiation; never truncated.
//   3. AbortMultipartUpload: DELETE /bucket/key?uploadId=X -> 204, removing the upload and its parts; 404
//      NoSuchUpload when there is no such upload.
//   4. CompleteMultipartUpload of an unknown upload id: 404 NoSuchUpload (s3rver answers 500 InternalError, as its
//      store fails to read the upload's files).
//   5. ListParts: GET /bucket/key?uploadId=X -> ListPartsResult with a Part (PartNumber, LastModified, ETag, Size) per
//      uploaded part, in part order; never truncated; 404 NoSuchUpload when there is no such upload.
//   6. aws-chunked request bodies (Content-Encoding: aws-chunked / x-amz-content-sha256: STREAMING-…), which the
//      AWS SDKs send for PutObject and UploadPart (SigV4 streaming signatures over http, trailing checksums): the
//      body of a PUT is decoded before s3rver stores it (s3rver stores the chunk framing verbatim); Content-Length
//      becomes x-amz-decoded-content-length. Chunk signatures and trailing checksums are not verified.
// The XML follows the S3 API reference's shapes so that the AWS SDKs parse it. The added routes skip s3rver's
// (signature-parsing) authentication middleware, which runs after this one.
//
// s3rver's filesystem store keeps a multipart upload in <folder>/<bucket>/._S3rver_uploads/<uploadId>/ with the
// files "key", "metadata" and one file per part number (plus "<n>.md5", the part's ETag without quotes).

import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');
const S3Error = require('s3rver/lib/models/error');
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account');

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    directory: { type: 'string' },
    bucket: { type: 'string' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});
if (!args.directory || !args.bucket) {
  process.stderr.write('usage: node s3rver.mjs --port <n|0> --directory <folder> --bucket <name>\n');
  process.exit(2);
}

const directory = path.resolve(args.directory);
await fs.mkdir(directory, { recursive: true });

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(args.port),
  directory,
  silent: true,
  vhostBuckets: false,
  configureBuckets: [{ name: args.bucket }],
});

// Koa composes its middleware when the server starts listening; the router is the last one registered.
server.middleware.splice(server.middleware.length - 1, 0, missingS3Features(server.store));

const address = await server.run();
process.stdout.write(`listening ${address.port}\n`);

if (args['exit-with-stdin']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
}

/** The middleware adding what the header comment lists. */
function missingS3Features(store) {
  const chains = new Map();

  return async function missingS3Features(ctx, next) {
    const match = /^\/([^/]+)(?:\/(.*))?$/.exec(ctx.path);
    if (!match) {
      return next();
    }
    const bucket = decodeURIComponent(match[1]);
    const key = match[2] ? decodeURIComponent(match[2]) : undefined;
    const query = ctx.query;
    const method = ctx.method;
    if (key !== undefined && method === 'PUT' && isAwsChunked(ctx.req.headers)) {
      decodeAwsChunkedBody(ctx);
    }

    if (key === undefined) {
      if (method === 'GET' && 'uploads' in query) {
        await requireBucket(store, bucket);
        ctx.body = await listUploads(store, bucket, query.prefix ?? '');
        return undefined;
      }
      return next();
    }

    if (method === 'GET' && 'uploadId' in query) {
      await requireBucket(store, bucket);
      ctx.body = await listParts(store, bucket, key, query.uploadId);
      return undefined;
    }
    if (method === 'DELETE' && 'uploadId' in query) {
      await requireBucket(store, bucket);
      await serialized(chains, `${bucket}/${key}`, () => abortUpload(store, bucket, query.uploadId));
      ctx.status = 204;
      return undefined;
    }

    const isPut = method === 'PUT' && Object.keys(query).length === 0;
    const isDelete = method === 'DELETE' && Object.keys(query).length === 0;
    const isComplete = method === 'POST' && 'uploadId' in query;
    if (!isPut && !isDelete && !isComplete) {
      return next();
    }

    return serialized(chains, `${bucket}/${key}`, async () => {
      try {
        if (isComplete && !(await exists(uploadFolder(store, bucket, query.uploadId)))) {
          throw new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or '
            + 'the upload may have been aborted or completed.', { UploadId: query.uploadId });
        }
        await checkConditions(ctx, store, bucket, key, isDelete);
      } catch (err) {
        await drain(ctx.req);
        throw err;
      }
      await next();
    });
  };
}

/** Runs `work` after every earlier write of `id` has finished, and before any later one starts. */
async function serialized(chains, id, work) {
  const previous = chains.get(id) ?? Promise.resolve();
  const current = previous.then(work, work);
  const tail = current.catch(() => undefined);
  chains.set(id, tail);
  try {
    return await current;
  } finally {
    if (chains.get(id) === tail) {
      chains.delete(id);
    }
  }
}

async function checkConditions(ctx, store, bucket, key, isDelete) {
  const noneMatch = ctx.get('If-None-Match');
  const ifMatch = ctx.get('If-Match');
  if (!noneMatch && !ifMatch) {
    return;
  }
  const etag = await currentETag(store, bucket, key);
  if (noneMatch && !isDelete) {
    if (noneMatch.trim() !== '*') {
      throw new S3Error('NotImplemented', 'If-None-Match on a write only supports "*".');
    }
    if (etag !== null) {
      throw preconditionFailed('If-None-Match');
    }
  }
  if (ifMatch) {
    if (etag === null) {
      throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });
    }
    const wanted = ifMatch.trim();
    if (wanted !== '*' && unquote(wanted) !== etag) {
      throw preconditionFailed('If-Match');
    }
  }
}

function preconditionFailed(condition) {
  return new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold',
    { Condition: condition });
}

async function currentETag(store, bucket, key) {
  try {
    const metadata = await store.getMetadata(bucket, key);
    return unquote(metadata.etag);
  } catch (err) {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
      return null;
    }
    throw err;
  }
}

function unquote(etag) {
  return etag.replace(/"/g, '');
}

async function requireBucket(store, bucket) {
  if (!(await store.getBucket(bucket))) {
    throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
  }
}

function uploadsFolder(store, bucket) {
  return store.getResourcePath(bucket, undefined, 'uploads');
}

function uploadFolder(store, bucket, uploadId) {
  if (!/^[0-9A-Za-z_-]+$/.test(uploadId ?? '')) {
    throw noSuchUpload(uploadId);
  }
  return path.join(uploadsFolder(store, bucket), uploadId);
}

function noSuchUpload(uploadId) {
  return new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the '
    + 'upload may have been aborted or completed.', { UploadId: String(uploadId ?? '') });
}

async function exists(file) {
  try {
    await fs.stat(file);
    return true;
  } catch (err) {
    if (err.code === 'ENOENT') {
      return false;
    }
    throw err;
  }
}

async function listUploads(store, bucket, prefix) {
  const folder = uploadsFolder(store, bucket);
  let ids = [];
  try {
    ids = await fs.readdir(folder);
  } catch (err) {
    if (err.code !== 'ENOENT') {
      throw err;
    }
  }
  const uploads = [];
  for (const id of ids) {
    try {
      const key = await fs.readFile(path.join(folder, id, 'key'), 'utf8');
      const stat = await fs.stat(path.join(folder, id));
      if (key.startsWith(prefix)) {
        uploads.push({ key, id, initiated: stat.birthtime.getTime() ? stat.birthtime : stat.mtime });
      }
    } catch (err) {
      // completed or aborted while listing, or not yet fully initiated
      if (err.code !== 'ENOENT') {
        throw err;
      }
    }
  }
  uploads.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.initiated - b.initiated));
  const owner = { ID: DUMMY_ACCOUNT.id, DisplayName: DUMMY_ACCOUNT.displayName };
  return {
    ListMultipartUploadsResult: {
      '@': { xmlns: XMLNS },
      Bucket: bucket,
      KeyMarker: '',
      UploadIdMarker: '',
      NextKeyMarker: '',
      NextUploadIdMarker: '',
      Prefix: prefix,
      MaxUploads: 1000,
      IsTruncated: false,
      Upload: uploads.map(upload => ({
        Key: upload.key,
        UploadId: upload.id,
        Initiator: owner,
        Owner: owner,
        StorageClass: 'STANDARD',
        Initiated: upload.initiated.toISOString(),
      })),
    },
  };
}

async function listParts(store, bucket, key, uploadId) {
  const folder = uploadFolder(store, bucket, uploadId);
  let files;
  try {
    files = await fs.readdir(folder);
  } catch (err) {
    if (err.code === 'ENOENT') {
      throw noSuchUpload(uploadId);
    }
    throw err;
  }
  const numbers = files.filter(name => /^\d+$/.test(name)).map(Number).sort((a, b) => a - b);
  const parts = [];
  for (const number of numbers) {
    const file = path.join(folder, String(number));
    try {
      const [stat, md5] = await Promise.all([fs.stat(file), fs.readFile(`${file}.md5`, 'utf8')]);
      parts.push({
        PartNumber: number,
        LastModified: stat.mtime.toISOString(),
        ETag: JSON.stringify(md5.trim()),
        Size: stat.size,
      });
    } catch (err) {
      // a part still being written has no .md5 yet
      if (err.code !== 'ENOENT') {
        throw err;
      }
    }
  }
  const owner = { ID: DUMMY_ACCOUNT.id, DisplayName: DUMMY_ACCOUNT.displayName };
  return {
    ListPartsResult: {
      '@': { xmlns: XMLNS },
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      Initiator: owner,
      Owner: owner,
      StorageClass: 'STANDARD',
      PartNumberMarker: 0,
      NextPartNumberMarker: parts.length ? parts[parts.length - 1].PartNumber : 0,
      MaxParts: 10000,
      IsTruncated: false,
      Part: parts,
    },
  };
}

async function abortUpload(store, bucket, uploadId) {
  const folder = uploadFolder(store, bucket, uploadId);
  if (!(await exists(folder))) {
    throw noSuchUpload(uploadId);
  }
  await fs.rm(folder, { recursive: true, force: true });
}

/** True when a request body is in the aws-chunked encoding (SigV4 streaming signatures, trailing checksums). */
function isAwsChunked(headers) {
  const sha = headers['x-amz-content-sha256'] ?? '';
  const encoding = headers['content-encoding'] ?? '';
  return sha.startsWith('STREAMING-') || encoding.split(',').some(e => e.trim() === 'aws-chunked');
}

/**
 * Replaces the request of `ctx` by one whose body is the aws-chunked body decoded, with the headers S3 reports for
 * it: Content-Length from x-amz-decoded-content-length and Content-Encoding without aws-chunked. Chunk signatures
 * and trailing checksums are not verified (s3rver verifies no V4 signature either).
 */
function decodeAwsChunkedBody(ctx) {
  const original = ctx.req;
  const decoded = original.pipe(awsChunkedDecoder());
  original.on('error', err => decoded.destroy(err));
  const headers = { ...original.headers };
  if (headers['x-amz-decoded-content-length'] !== undefined) {
    headers['content-length'] = headers['x-amz-decoded-content-length'];
  } else {
    delete headers['content-length'];
  }
  const encoding = (headers['content-encoding'] ?? '').split(',').map(e => e.trim())
    .filter(e => e && e !== 'aws-chunked');
  if (encoding.length) {
    headers['content-encoding'] = encoding.join(', ');
  } else {
    delete headers['content-encoding'];
  }
  Object.assign(decoded, {
    headers,
    method: original.method,
    url: original.url,
    socket: original.socket,
    connection: original.socket,
    httpVersion: original.httpVersion,
  });
  ctx.req = decoded;
  ctx.request.req = decoded;
}

/** A stream decoding "<hex size>[;chunk-signature=…]\r\n<data>\r\n" chunks up to the zero-size one (the trailers
 * after it are ignored). */
function awsChunkedDecoder() {
  let buffer = Buffer.alloc(0);
  let remaining = 0;
  let state = 'size';
  const pump = stream => {
    for (;;) {
      if (state === 'size') {
        const end = buffer.indexOf('\r\n');
        if (end < 0) {
          return;
        }
        const line = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 2);
        remaining = parseInt(line.split(';')[0], 16);
        if (Number.isNaN(remaining)) {
          throw new S3Error('IncompleteBody', 'The aws-chunked body is malformed.');
        }
        state = remaining === 0 ? 'trailers' : 'data';
      } else if (state === 'data') {
        if (!buffer.length) {
          return;
        }
        const take = Math.min(remaining, buffer.length);
        stream.push(buffer.subarray(0, take));
        buffer = buffer.subarray(take);
        remaining -= take;
        if (remaining === 0) {
          state = 'end-of-data';
        }
      } else if (state === 'end-of-data') {
        if (buffer.length < 2) {
          return;
        }
        buffer = buffer.subarray(2);
        state = 'size';
      } else {
        buffer = Buffer.alloc(0);
        return;
      }
    }
  };
  return new Transform({
    transform(chunk, encoding, callback) {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      try {
        pump(this);
        callback();
      } catch (err) {
        callback(err);
      }
    },
  });
}

/** Reads and discards the rest of a request body, so that an error answer does not break the connection. */
function drain(req) {
  if (req.readableEnded || req.complete) {
    return Promise.resolve();
  }
  return new Promise(resolve => {
    req.on('end', resolve);
    req.on('error', resolve);
    req.on('close', resolve);
    req.resume();
  });
}
