/**
 * How long a bucket write or delete keeps trying before its caller's verdict (UPLOAD_FAILED,
 * CLEANUP_FAILED): 6 tries with pauses doubling from 0.25-0.5 s to 4-8 s, 7.75-15.5 s in all, so a
 * bucket gone for a few seconds (a restart, a failover) costs a pause, not a video. With 4 tries
 * (1.75-3.5 s) a 4 s outage could outlast them, and the stage's check whether the bucket answers,
 * made just after it came back, took the failure for the object's own.
 */
export const BUCKET_BACKOFF = { attempts: 6, baseMs: 500, maxMs: 10_000 } as const;
