import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createReporter, formatBar } from "../src/progress-output.js";

const event = { stage: "encode" as const, percent: 51, stagePercent: 50, outTimeSeconds: 10, fps: 30, speed: 1.5, etaSeconds: 75 };

function sink(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe("progress output", () => {
  it("draws a bar with speed and ETA", () => {
    expect(formatBar(event)).toBe("encode    [###############---------------]  51.0%  1.50x  eta 1m15s");
  });

  it("redraws the bar in place on a terminal and ends its line on finish", () => {
    const out = sink();
    const err = sink();
    const reporter = createReporter("tty", out.stream, err.stream);
    reporter.progress(event);
    reporter.progress({ ...event, percent: 97, stagePercent: 100, etaSeconds: 0 });
    reporter.finish();
    expect(err.text()).toBe(`\r\x1b[2K${formatBar(event)}\r\x1b[2Kencode    [#############################-]  97.0%  1.50x\n`);
    expect(out.text()).toBe("");
  });
});
