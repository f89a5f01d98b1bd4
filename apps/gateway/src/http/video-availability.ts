import { canPlay } from "@aq/contracts";
import { getVideo, type Database } from "@aq/platform/db";

/**
 * Whether a video can be played (it exists and is READY, or playable early: contracts' canPlay). A yes is remembered for a few
 * seconds, since a player fetches a segment every few seconds and each would otherwise cost a
 * database query; a no is not, so a video that has just become READY plays at once.
 */
export class VideoAvailability {
  private readonly playableUntil = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly ttlMs = 5000,
    private readonly maxEntries = 10_000,
  ) {}

  async isPlayable(videoId: string, now = Date.now()): Promise<boolean> {
    if ((this.playableUntil.get(videoId) ?? 0) > now) return true;
    const video = await getVideo(this.db, videoId);
    if (!video || !canPlay(video.status, video.playableAt !== null)) {
      this.playableUntil.delete(videoId);
      return false;
    }
    if (this.playableUntil.size >= this.maxEntries) this.playableUntil.clear();
    this.playableUntil.set(videoId, now + this.ttlMs);
    return true;
  }
}
