import { describe, expect, it } from "vitest";
import { chunkingHelps, planChunks } from "../../src/chunks/plan.js";

const options = { segmentSeconds: 6, chunkSegments: 5, firstChunkSegments: 2 };

function summary(duration: number, opts = options) {
  return planChunks(duration, opts).map((c) => [
    c.startSeconds,
    Number(c.durationSeconds.toFixed(3)),
    c.firstSegment,
    c.segmentCount,
    c.last,
  ]);
}

describe("planChunks", () => {
  it("starts with a short chunk, then chunks of k segments on the segment grid, the last running to the end", () => {
    expect(summary(100)).toEqual([
      [0, 12, 0, 2, false],
      [12, 30, 2, 5, false],
      [42, 30, 7, 5, false],
      [72, 28, 12, 5, true],
    ]);
  });

  it("numbers segments as the single run does: a partial last segment counts, a sliver past a boundary does not", () => {
    const chunks = planChunks(61.5, options);
    expect(chunks.reduce((n, c) => n + c.segmentCount, 0)).toBe(11);
    expect(planChunks(60.000_1, options).reduce((n, c) => n + c.segmentCount, 0)).toBe(10);
    chunks.forEach((c, i) => expect(c.firstSegment).toBe(chunks.slice(0, i).reduce((n, p) => n + p.segmentCount, 0)));
  });

  it("folds a remainder under half a chunk into the chunk before it, never into the short first chunk", () => {
    expect(summary(13 * 6)).toEqual([
      [0, 12, 0, 2, false],
      [12, 30, 2, 5, false],
      [42, 36, 7, 6, true],
    ]);
    expect(summary(3 * 6)).toEqual([
      [0, 12, 0, 2, false],
      [12, 6, 2, 1, true],
    ]);
  });

  it("covers the whole duration without gaps or overlaps", () => {
    for (const duration of [5.2, 6, 12.5, 47.9, 301, 3600.04]) {
      const chunks = planChunks(duration, { segmentSeconds: 6, chunkSegments: 4, firstChunkSegments: 1 });
      let end = 0;
      for (const c of chunks) {
        expect(c.startSeconds).toBeCloseTo(end, 9);
        end = c.startSeconds + c.durationSeconds;
      }
      expect(end).toBeCloseTo(duration, 9);
      expect(chunks.filter((c) => c.last)).toEqual([chunks.at(-1)]);
    }
  });

  it("never leaves a sliver of a container's duration past the last frame as a chunk of its own", () => {
    // bbb-720p24-vp8-vorbis-30s.webm: 720 frames at 24 fps, a container duration of 30.003 s.
    expect(summary(30.003, { segmentSeconds: 6, chunkSegments: 1, firstChunkSegments: 1 }).at(-1)).toEqual([24, 6.003, 4, 2, true]);
    expect(summary(12.5, { segmentSeconds: 6, chunkSegments: 5, firstChunkSegments: 2 })).toEqual([[0, 12.5, 0, 3, true]]);
  });

  it("refuses durations and sizes that make no plan", () => {
    expect(() => planChunks(0, options)).toThrow(/duration/);
    expect(() => planChunks(10, { ...options, chunkSegments: 0 })).toThrow(/invalid/);
    expect(() => planChunks(10, { ...options, chunkSegments: 1.5 })).toThrow(/whole segments/);
  });
});

describe("chunkingHelps", () => {
  it("keeps the single run for sources the first chunk covers (with a remainder too short to stand alone)", () => {
    expect(chunkingHelps(12.9, options)).toBe(false);
    expect(chunkingHelps(13.1, options)).toBe(true);
    expect(chunkingHelps(30, options)).toBe(true);
  });
});
