const MIB = 1024 * 1024;

/**
 * The most one request may upload: Cloudflare R2 takes "4.995 GiB" (5 GiB - 5 MiB, per
 * https://developers.cloudflare.com/r2/platform/limits/), a little less than S3's 5 GiB.
 * Larger objects need a multipart upload.
 */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 * MIB - 5 * MIB;

/** Every multipart part but the last is at least this large (R2 and S3). */
export const MIN_PART_BYTES = 5 * MIB;

/** Part numbers run from 1 to this (R2 and S3). */
export const MAX_PARTS = 10_000;

/** The largest object R2 and S3 store (5 TiB), reached only through a multipart upload. */
export const MAX_OBJECT_BYTES = 5 * 1024 * 1024 * MIB;
