import { describe, expect, it } from "vitest";
import { createStallClock, runQueueWaitMs } from "../src/stall-clock.js";

describe("createStallClock", () => {
  it("counts time without progress, and starts again at each advance", () => {
    const clock = createStallClock(1000, 0);
    expect(clock.tick(600, 0)).toBe(false);
    expect(clock.tick(1200, 0)).toBe(true);
    clock.progressed(1300);
    expect(clock.tick(1900, 0)).toBe(false);
  });

  it("leaves out the time ffmpeg's threads waited for a core", () => {
    const clock = createStallClock(1000, 0);
    clock.tick(0, 0);
    // Three threads waiting the whole second: held back, not hung.
    expect(clock.tick(1000, 3000)).toBe(false);
    expect(clock.tick(2000, 6000)).toBe(false);
    // Waiting half of each second: half of it counts.
    expect(clock.tick(3000, 6500)).toBe(false);
    expect(clock.tick(4000, 7000)).toBe(false);
    expect(clock.tick(5000, 7500)).toBe(true);
  });

  it("counts the time in full where the wait is unknown or went down (a thread ended)", () => {
    const clock = createStallClock(1000, 0);
    clock.tick(0, 5000);
    expect(clock.tick(600, 100)).toBe(false);
    expect(clock.tick(1200, null)).toBe(true);
  });
});

describe("runQueueWaitMs", () => {
  it("reads this process's threads, and nothing for a process that is gone", async () => {
    const wait = await runQueueWaitMs(process.pid);
    expect(wait).not.toBeNull();
    expect(wait).toBeGreaterThanOrEqual(0);
    expect(await runQueueWaitMs(2 ** 22 + 1)).toBeNull();
  });
});
