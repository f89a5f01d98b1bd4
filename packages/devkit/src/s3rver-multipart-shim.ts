import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";

/** The part of s3rver's Koa context this shim reads and writes. */
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
}

type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

/** s3rver (a Koa app) as far as this shim needs it. */
interface S3rverInternals {
  middleware: Middleware[];
  store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string };
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * s3rver 3.7 stores multipart uploads (uploads/<upload id>/<part number> plus a .md5 beside each
 * part, and a `key` file) but answers MethodNotAllowed or NotImplemented to ListParts,
 * AbortMultipartUpload and ListMultipartUploads, which R2 and S3 implement and AQ's resumable
 * uploads use. This middleware, put in front of s3rver's routes, serves the three from those files.
 * Nothing pages (the tests hold far fewer than 1,000 parts or uploads).
 */
export function installS3rverMultipartShim(server: unknown): void {
  const internals = server as S3rverInternals;
  const uploadsDir = (bucket: string) => internals.store.getResourcePath(bucket, undefined, "uploads");

  async function listParts(ctx: KoaContext, bucket: string, key: string, uploadId: string): Promise<void> {
    const dir = join(uploadsDir(bucket), uploadId);
    const names = await readdir(dir).catch(() => null);
    if (!names) return noSuchUpload(ctx, uploadId);
    const numbers = names
      .filter((name) => name.endsWith(".md5"))
      .map((name) => Number(name.slice(0, -4)))
      .sort((a, b) => a - b);
    const parts = await Promise.all(
      numbers.map(async (number) => {
        const [{ size, mtime }, md5] = await Promise.all([stat(join(dir, String(number))), readFile(join(dir, `${number}.md5`), "utf8")]);
        return `<Part><PartNumber>${number}</PartNumber><LastModified>${mtime.toISOString()}</LastModified><ETag>"${md5}"</ETag><Size>${size}</Size></Part>`;
      }),
    );
    ctx.type = "application/xml";
    ctx.body = xml(
      `<ListPartsResult><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${uploadId}</UploadId><IsTruncated>false</IsTruncated>${parts.join("")}</ListPartsResult>`,
    );
  }

  async function abort(ctx: KoaContext, uploadId: string, bucket: string): Promise<void> {
    const dir = join(uploadsDir(bucket), uploadId);
    if (!(await stat(dir).catch(() => null))) return noSuchUpload(ctx, uploadId);
    await rm(dir, { recursive: true, force: true });
    ctx.status = 204;
    ctx.body = null;
  }

  async function listUploads(ctx: KoaContext, bucket: string, prefix: string): Promise<void> {
    const ids = (await readdir(uploadsDir(bucket)).catch(() => [])) as string[];
    const uploads = (
      await Promise.all(
        ids.map(async (uploadId) => {
          const dir = join(uploadsDir(bucket), uploadId);
          const key = await readFile(join(dir, "key"), "utf8").catch(() => null);
          if (key === null || !key.startsWith(prefix)) return null;
          const { birthtime, ctime } = await stat(dir);
          const initiated = birthtime.getTime() > 0 ? birthtime : ctime;
          return { key, uploadId, initiated };
        }),
      )
    ).filter((upload) => upload !== null);
    uploads.sort((a, b) => (a.key === b.key ? a.uploadId.localeCompare(b.uploadId) : a.key < b.key ? -1 : 1));
    ctx.type = "application/xml";
    ctx.body = xml(
      `<ListMultipartUploadsResult><Bucket>${xmlEscape(bucket)}</Bucket><Prefix>${xmlEscape(prefix)}</Prefix><IsTruncated>false</IsTruncated>${uploads
        .map(
          (u) =>
            `<Upload><Key>${xmlEscape(u.key)}</Key><UploadId>${u.uploadId}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated></Upload>`,
        )
        .join("")}</ListMultipartUploadsResult>`,
    );
  }

  function noSuchUpload(ctx: KoaContext, uploadId: string): void {
    ctx.status = 404;
    ctx.type = "application/xml";
    ctx.body = xml(
      `<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><UploadId>${uploadId}</UploadId></Error>`,
    );
  }

  internals.middleware.unshift(async (ctx, next) => {
    const [, bucket = "", ...keyParts] = ctx.path.split("/");
    const key = keyParts.map(decodeURIComponent).join("/");
    const uploadId = first(ctx.query.uploadId);
    if (bucket && key && uploadId && !/^[0-9a-f]+$/.test(uploadId)) return noSuchUpload(ctx, uploadId.slice(0, 64));
    if (ctx.method === "GET" && bucket && key && uploadId) return listParts(ctx, bucket, key, uploadId);
    if (ctx.method === "DELETE" && bucket && key && uploadId) return abort(ctx, uploadId, bucket);
    if (ctx.method === "GET" && bucket && !key && "uploads" in ctx.query) return listUploads(ctx, bucket, first(ctx.query.prefix) ?? "");
    return next();
  });
}
