import { describe, expect, it } from "vitest";
import { backoffMs, sleep, withBackoff } from "../../src/service/backoff.js";

describe("backoffMs", () => {
  it("doubles from the base up to the cap, jittered within the upper half", () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const ceiling = Math.min(1000, 100 * 2 ** (attempt - 1));
      const delay = backoffMs(attempt, { baseMs: 100, maxMs: 1000 });
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
});

describe("withBackoff", () => {
  it("tries again until success and reports each pause", async () => {
    const retried: number[] = [];
    const result = await withBackoff(
      async (attempt) => {
        if (attempt < 3) throw new Error(`fail ${attempt}`);
        return attempt;
      },
      { attempts: 5, baseMs: 1, maxMs: 2, onBackoff: (_error, attempt) => retried.push(attempt) },
    );
    expect(result).toBe(3);
    expect(retried).toEqual([1, 2]);
  });

  it("rethrows the last error after the last attempt", async () => {
    let calls = 0;
    await expect(
      withBackoff(
        async (attempt) => {
          calls++;
          throw new Error(`fail ${attempt}`);
        },
        { attempts: 3, baseMs: 1, maxMs: 2 },
      ),
    ).rejects.toThrow("fail 3");
    expect(calls).toBe(3);
  });

  it("stops trying once the signal aborts", async () => {
    const controller = new AbortController();
    let calls = 0;
    await expect(
      withBackoff(
        async () => {
          calls++;
          controller.abort();
          throw new Error("down");
        },
        { attempts: 10, baseMs: 1, maxMs: 2, signal: controller.signal },
      ),
    ).rejects.toThrow("down");
    expect(calls).toBe(1);
  });
});

describe("sleep", () => {
  it("returns early when the signal aborts", async () => {
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    controller.abort();
    await expect(slept).resolves.toBeUndefined();
  });
});
