/** Luma statistics of one frame, from ffmpeg's signalstats (8-bit values, 16-235 in video range). */
export interface FrameStats {
  timeSeconds: number;
  /** Average luma. */
  yavg: number;
  /** 10th and 90th percentiles of luma: far apart when the frame shows something. */
  ylow: number;
  yhigh: number;
}

/**
 * Reads the file `metadata=mode=print` writes after `signalstats`: a `frame:N pts:P pts_time:T`
 * line, then `lavfi.signalstats.KEY=VALUE` lines for that frame.
 */
export function parseFrameStats(text: string): FrameStats[] {
  const frames: FrameStats[] = [];
  let current: Partial<FrameStats> | null = null;
  const finish = () => {
    if (current && [current.timeSeconds, current.yavg, current.ylow, current.yhigh].every((v) => Number.isFinite(v))) {
      frames.push(current as FrameStats);
    }
  };
  for (const line of text.split("\n")) {
    const frame = /^frame:\d+\s+pts:\S+\s+pts_time:(\S+)/.exec(line);
    if (frame) {
      finish();
      current = { timeSeconds: Number(frame[1]) };
      continue;
    }
    const stat = /^lavfi\.signalstats\.(YAVG|YLOW|YHIGH)=(\S+)/.exec(line);
    if (stat && current) current[stat[1]!.toLowerCase() as "yavg" | "ylow" | "yhigh"] = Number(stat[2]);
  }
  finish();
  return frames;
}
