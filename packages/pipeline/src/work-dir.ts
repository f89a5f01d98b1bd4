import { join } from "node:path";

/**
 * The local layout under WORK_DIR, one service instance's own scratch space (services hand each
 * other everything through the bucket or the message, so it is never shared between hosts):
 *   <WORK_DIR>/<video_id>/source          the job's own copy of the upload
 *   <WORK_DIR>/<video_id>/attempt-<n>-<lease>/  one directory per encode attempt and lease
 *                                         holder: never shared, not even with a worker that
 *                                         lost its lease and has not stopped yet
 *   <WORK_DIR>/<video_id>/logs/           ffmpeg logs of every attempt
 */
export function videoWorkDir(workDir: string, videoId: string): string {
  return join(workDir, videoId);
}
export function sourceCopyPath(workDir: string, videoId: string): string {
  return join(workDir, videoId, "source");
}
export function attemptDir(workDir: string, videoId: string, attempt: number, leaseToken: string): string {
  return join(workDir, videoId, `attempt-${attempt}-${leaseToken.slice(0, 8)}`);
}
export function logsDir(workDir: string, videoId: string): string {
  return join(workDir, videoId, "logs");
}
