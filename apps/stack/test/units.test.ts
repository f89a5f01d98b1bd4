import { describe, expect, it } from "vitest";
import { parseDemoArgs } from "../src/demo/args.js";
import { formatListing } from "../src/demo/bucket-listing.js";
import { ProgressBoard } from "../src/demo/progress-board.js";
import { formatLogLine, prefixedConsole } from "../src/processes/log-lines.js";

describe("formatLogLine", () => {
  it("turns a pino record into time, level, message and fields, leaving out the noise", () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
      pid: 1,
      hostname: "h",
      service: "x",
      msg: "encode: verified",
      videoId: "v1",
      renditions: ["240p"],
    });
    expect(formatLogLine(line, false)).toBe('03:04:05.678 INFO  encode: verified videoId=v1 renditions=["240p"]');
  });

  it("shows an error's code and message, then its stack on the following lines", () => {
    const line = JSON.stringify({
      level: 50,
      time: 0,
      msg: "failed",
      err: { message: "boom", code: "ENCODE_FAILED", stack: "Error: boom\n    at x" },
    });
    expect(formatLogLine(line, false)).toBe('00:00:00.000 ERROR failed err="ENCODE_FAILED: boom"\nError: boom\n    at x');
  });

  it("passes through what is not a pino record", () => {
    expect(formatLogLine("plain text", false)).toBe("plain text");
    expect(formatLogLine("{not json", false)).toBe("{not json");
    expect(formatLogLine('{"a":1}', false)).toBe('{"a":1}');
  });

  it("prefixes every line, including continuation lines, with the source", () => {
    let written = "";
    const sink = prefixedConsole(
      { write: (text: string) => ((written += text), true), isTTY: false } as unknown as NodeJS.WritableStream,
      8,
    );
    sink("gateway", JSON.stringify({ level: 50, time: 0, msg: "m", err: { message: "e", stack: "S1\nS2" } }), "stdout");
    expect(written.split("\n").filter(Boolean)).toEqual(["gateway | 00:00:00.000 ERROR m err=e", "gateway | S1", "gateway | S2"]);
  });
});

describe("parseDemoArgs", () => {
  it("reads a file, --exit and the sample options", () => {
    expect(parseDemoArgs(["clip.mp4", "--exit", "--title", "T"])).toMatchObject({ file: "clip.mp4", exit: true, title: "T" });
    expect(parseDemoArgs(["--sample-seconds", "3", "--sample-size", "640x360"]).sample).toEqual({ width: 640, height: 360, seconds: 3 });
    expect(parseDemoArgs([]).sample).toEqual({ width: 1920, height: 1080, seconds: 20 });
  });

  it("refuses what it cannot use, saying why", () => {
    expect(() => parseDemoArgs(["--sample-size", "641x360"])).toThrow(/even numbers/);
    expect(() => parseDemoArgs(["--sample-seconds", "-1"])).toThrow(/--sample-seconds/);
    expect(() => parseDemoArgs(["--title"])).toThrow(/needs a value/);
    expect(() => parseDemoArgs(["--frobnicate"])).toThrow(/unknown option --frobnicate/);
    expect(() => parseDemoArgs(["a.mp4", "b.mp4"])).toThrow(/one video at a time/);
  });
});

describe("ProgressBoard", () => {
  it("prints a line per stage start, quarter and end when not on a terminal, completing earlier stages", () => {
    let written = "";
    const board = new ProgressBoard({
      write: (text: string) => ((written += text), true),
      isTTY: false,
    } as unknown as NodeJS.WritableStream);
    board.update("upload", 10);
    board.update("upload", 12);
    board.update("encode", 60, "30 fps");
    board.fail("encode", "FAILED_ENCODING: ENCODE_FAILED: x");
    const lines = written.trim().split("\n");
    expect(lines.map((l) => l.slice(0, 9))).toEqual(["› upload ", "✔ upload ", "✔ probe  ", "› encode ", "✖ encode "]);
    expect(lines[3]).toMatch(/ 60% {2}30 fps$/);
  });
});

describe("formatListing", () => {
  it("lists playlists one by one and groups each rendition's segments", () => {
    const prefix = "videos/v/";
    const text = formatListing(
      [{ key: "videos/v/master.m3u8", size: 10 }, ...[0, 1, 2, 3].map((i) => ({ key: `videos/v/segments/720p_00${i}.ts`, size: 100 }))],
      prefix,
    );
    expect(text).toBe(
      "  videos/v/master.m3u8  (10 bytes)\n  videos/v/segments/720p_*.ts  4 segments, 400 bytes (720p_000.ts … 720p_003.ts)",
    );
  });
});
