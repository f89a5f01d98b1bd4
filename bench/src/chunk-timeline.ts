import { loadavg } from "node:os";
import { isTerminalStatus, type VideoStatus } from "@aq/contracts";
import { getChunks, getVideo, getVideoHistory, type Database } from "@aq/platform/db";

export interface ChunkTimes {
  index: number;
  /** The chunk's range in the source. */
  startSeconds: number;
  durationSeconds: number;
  attempts: number;
  encoder: string | null;
  /** Its last attempt's start (the row's time when it was seen encoding), and when it was recorded done. */
  startedAt: Date | null;
  doneAt: Date | null;
}

export interface VideoTimeline {
  status: VideoStatus;
  /** First time the video entered each status (history rows). */
  reached: Partial<Record<VideoStatus, Date>>;
  playableAt: Date | null;
  chunkCount: number | null;
  chunks: ChunkTimes[];
  /** 1-minute load average: highest and mean over the samples. */
  load: { max: number; mean: number };
}

/**
 * Follows one video through the pipeline by reading its rows every `intervalMs`, until it ends or
 * `stop()`: a chunk's start is the row's time while it is `encoding` (beginChunkAttempt stamps it),
 * its end the row's time once `done`; statuses come from the history. The chunk rows only keep
 * their latest change, hence the sampling (a chunk lasts seconds, the samples are a fraction of one).
 */
export function followVideo(db: Database, videoId: string, intervalMs = 100) {
  const chunks = new Map<number, ChunkTimes>();
  const loads: number[] = [];
  let stopped = false;
  let lastStatus: VideoStatus | null = null;
  const sample = async () => {
    loads.push(loadavg()[0]!);
    for (const row of await getChunks(db, videoId)) {
      const known = chunks.get(row.index);
      const times: ChunkTimes = known ?? {
        index: row.index,
        startSeconds: row.startSeconds,
        durationSeconds: row.durationSeconds,
        attempts: 0,
        encoder: null,
        startedAt: null,
        doneAt: null,
      };
      times.attempts = row.attempts;
      times.encoder = row.encoder;
      if (row.status === "encoding") times.startedAt = row.updatedAt;
      if (row.status === "done") times.doneAt ??= row.updatedAt;
      chunks.set(row.index, times);
    }
    lastStatus = (await getVideo(db, videoId))?.status ?? null;
  };
  const ended = (async () => {
    while (!stopped) {
      await sample();
      if (lastStatus && isTerminalStatus(lastStatus)) break;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  const timeline = async (): Promise<VideoTimeline> => {
    const video = await getVideo(db, videoId);
    if (!video) throw new Error(`video ${videoId} is gone`);
    const reached: VideoTimeline["reached"] = {};
    for (const change of await getVideoHistory(db, videoId)) reached[change.toStatus] ??= change.at;
    return {
      status: video.status,
      reached,
      playableAt: video.playableAt,
      chunkCount: video.chunkCount,
      chunks: [...chunks.values()].sort((a, b) => a.index - b.index),
      load: { max: Math.max(...loads), mean: loads.reduce((a, b) => a + b, 0) / loads.length },
    };
  };
  return {
    /** Resolves once the video has reached a terminal status. */
    ended: () => ended.then(timeline),
    stop: async () => {
      stopped = true;
      await ended;
      return timeline();
    },
  };
}

/** Seconds from `from` to `to`, or null when either is unknown. */
export function secondsBetween(from: Date | number | null | undefined, to: Date | number | null | undefined): number | null {
  if (from == null || to == null) return null;
  return Math.round(Number(to) - Number(from)) / 1000;
}
