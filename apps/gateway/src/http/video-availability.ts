import { getVideo, type Database } from "@aq/shared/db";

/**
 * Whether a video can be played (it exists and is READY), remembered for a few seconds: a
 * player fetches a segment every few seconds and each would otherwise cost a database query.
 */
export class VideoAvailability {
  private readonly entries = new Map<string, { playable: boolean; until: number }>();

  constructor(
    private readonly db: Database,
    private readonly ttlMs = 5000,
    private readonly maxEntries = 10_000,
  ) {}

  async isPlayable(videoId: string, now = Date.now()): Promise<boolean> {
    const cached = this.entries.get(videoId);
    if (cached && cached.until > now) return cached.playable;
    const video = await getVideo(this.db, videoId);
    const playable = video?.status === "ready";
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(videoId, { playable, until: now + this.ttlMs });
    return playable;
  }
}
