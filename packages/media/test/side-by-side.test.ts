import { describe, expect, it } from "vitest";
import { sideBySide } from "../src/side-by-side.js";

/** A task that runs until its signal aborts, then records that and fails as a stopped ffmpeg would. */
function untilStopped(ended: string[], name: string) {
  return (signal: AbortSignal) =>
    new Promise<never>((_, reject) => {
      signal.addEventListener("abort", () => {
        ended.push(name);
        reject(new Error(`${name} stopped`));
      });
    });
}

describe("sideBySide", () => {
  it("resolves with every task's result, in order", async () => {
    const results = await sideBySide(undefined, [async () => 1, async () => "two"]);
    expect(results).toEqual([1, "two"]);
  });

  it("stops the others when one fails, waits for them to end, and throws that failure", async () => {
    const ended: string[] = [];
    const run = sideBySide(undefined, [
      untilStopped(ended, "upload"),
      async () => {
        throw new Error("audio failed");
      },
      untilStopped(ended, "other"),
    ]);
    await expect(run).rejects.toThrow("audio failed");
    expect(ended.sort()).toEqual(["other", "upload"]);
  });

  it("passes the caller's abort on to every task", async () => {
    const ended: string[] = [];
    const caller = new AbortController();
    const run = sideBySide(caller.signal, [untilStopped(ended, "a"), untilStopped(ended, "b")]);
    caller.abort();
    await expect(run).rejects.toThrow("a stopped");
    expect(ended).toEqual(["a", "b"]);
  });
});
