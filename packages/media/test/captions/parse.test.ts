import { describe, expect, it } from "vitest";
import { isAqError } from "@aq/contracts";
import { parseCaptions } from "../../src/captions/parse.js";

function refusal(text: string): { message: string; line: unknown } {
  try {
    parseCaptions(text);
  } catch (error) {
    if (!isAqError(error) || error.code !== "CAPTION_INVALID") throw error;
    return { message: error.message, line: error.details?.line };
  }
  throw new Error("the file was accepted");
}

describe("parseCaptions", () => {
  it("reads WebVTT with identifiers, settings, notes and a byte-order mark", () => {
    const text =
      "\uFEFFWEBVTT - a title\n\nNOTE made by hand\n\nintro\n00:01.000 --> 00:03.500 line:90%\nHello\nthere\n\n01:00:00.000 --> 01:00:01.000\nLate\n";
    expect(parseCaptions(text)).toEqual({
      format: "webvtt",
      cues: [
        { startSeconds: 1, endSeconds: 3.5, settings: "line:90%", text: "Hello\nthere" },
        { startSeconds: 3600, endSeconds: 3601, settings: "", text: "Late" },
      ],
    });
  });

  it("reads SRT with CRLF line ends and short milliseconds", () => {
    const text = "1\r\n00:00:01,000 --> 00:00:02,50\r\nOne\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nTwo\r\nlines\r\n";
    expect(parseCaptions(text).cues).toEqual([
      { startSeconds: 1, endSeconds: 2.5, settings: "", text: "One" },
      { startSeconds: 3, endSeconds: 4, settings: "", text: "Two\nlines" },
    ]);
  });

  it("names the line of a broken SRT timestamp", () => {
    const text = "1\n00:00:01,000 --> 00:00:02,000\nOne\n\n2\n00:00:03,000 -> 00:00:04,000\nTwo\n";
    expect(refusal(text)).toEqual({ message: 'SRT line 6: expected "start --> end", got "00:00:03,000 -> 00:00:04,000"', line: 6 });
    expect(refusal("1\n00:00:01,000 --> 00:0x:02,000\nOne\n")).toMatchObject({
      line: 2,
      message: expect.stringMatching(/"00:0x:02,000" is not a timestamp/),
    });
  });

  it("names the line of a missing SRT cue number and of a cue that ends before it starts", () => {
    expect(refusal("00:00:01,000 --> 00:00:02,000\nOne\n")).toMatchObject({
      line: 1,
      message: expect.stringMatching(/expected the cue number/),
    });
    expect(refusal("1\n00:00:05,000 --> 00:00:02,000\nOne\n")).toMatchObject({
      line: 2,
      message: expect.stringMatching(/ends .* before it starts/),
    });
  });

  it("names the line of a broken WebVTT cue", () => {
    const text = "WEBVTT\n\n00:00.000 --> 00:01.000\nfine\n\nid\nno timing here\ntext\n";
    expect(refusal(text)).toMatchObject({ line: 7, message: expect.stringMatching(/^WebVTT line 7: expected a cue timing/) });
    expect(refusal("WEBVTT\n\n00:00.000 --> 00:01,000\nx\n")).toMatchObject({
      line: 3,
      message: expect.stringMatching(/like 00:01:02\.500/),
    });
  });

  it("refuses a file with no cue, and one that is not text", () => {
    expect(refusal("WEBVTT\n\nNOTE nothing\n")).toMatchObject({ message: "the WebVTT file holds no cue" });
    expect(refusal("")).toMatchObject({ message: "the SRT file holds no cue" });
    expect(refusal("\u0000\u0001binary")).toMatchObject({ message: expect.stringMatching(/not a text file/) });
  });
});
