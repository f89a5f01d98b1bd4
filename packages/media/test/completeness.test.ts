import { describe, expect, it } from "vitest";
import { AqError } from "@aq/contracts";
import { assertOutputCoversSource } from "../src/completeness.js";

describe("assertOutputCoversSource", () => {
  it("accepts an output that ends within a second or 5 % of the source", () => {
    expect(() => assertOutputCoversSource(7.96, 8)).not.toThrow();
    expect(() => assertOutputCoversSource(7.1, 8)).not.toThrow();
    expect(() => assertOutputCoversSource(570, 600)).not.toThrow();
    expect(() => assertOutputCoversSource(3, null)).not.toThrow();
  });

  it("refuses an output that covers only part of the source, with both durations in the message", () => {
    let error: unknown;
    try {
      assertOutputCoversSource(4.04, 8);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AqError);
    expect((error as AqError).code).toBe("ENCODE_INCOMPLETE");
    expect((error as AqError).message).toBe("only 4.0 s of the 8.0 s source could be encoded: the source is damaged or truncated");
    expect(() => assertOutputCoversSource(560, 600)).toThrow(AqError);
  });
});
