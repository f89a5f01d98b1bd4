import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { createStorage } from "@aq/platform/storage";
import type { S3Env } from "../stack.js";

export interface ListedObject {
  key: string;
  size: number;
}

/** Every object under `prefix`, following continuation tokens. */
export async function listBucket(env: S3Env, prefix: string): Promise<ListedObject[]> {
  const storage = createStorage({ ...env, S3_FORCE_PATH_STYLE: env.S3_FORCE_PATH_STYLE === "true" });
  const objects: ListedObject[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await storage.client.send(
        new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const item of page.Contents ?? []) objects.push({ key: item.Key ?? "", size: item.Size ?? 0 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } finally {
    storage.client.destroy();
  }
  return objects.sort((a, b) => a.key.localeCompare(b.key));
}

/** The listing as a tree of the video's folder, segments grouped per rendition when many. */
export function formatListing(objects: ListedObject[], prefix: string): string {
  const lines: string[] = [];
  const segments = new Map<string, ListedObject[]>();
  for (const object of objects) {
    const rest = object.key.slice(prefix.length);
    const segment = /^segments\/([^_]+)_\d+\.ts$/.exec(rest);
    if (segment?.[1]) {
      const list = segments.get(segment[1]) ?? [];
      list.push(object);
      segments.set(segment[1], list);
    } else {
      lines.push(`  ${object.key}  (${object.size} bytes)`);
    }
  }
  for (const [rendition, list] of segments) {
    const shown = list.length <= 3 ? list : [list[0] as ListedObject, list[list.length - 1] as ListedObject];
    const bytes = list.reduce((sum, o) => sum + o.size, 0);
    lines.push(
      `  ${prefix}segments/${rendition}_*.ts  ${list.length} segments, ${bytes} bytes (${shown.map((o) => o.key.slice(o.key.lastIndexOf("/") + 1)).join(list.length > 3 ? " … " : ", ")})`,
    );
  }
  return lines.join("\n");
}
