import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../src/error-codes.js";
import { ERROR_EXPLANATIONS, explainError, isRetryableError } from "../src/error-explanations.js";

const oneSentence = /^[A-Z][^\n]*[.!?]$/;

describe("error explanations", () => {
  it.each(ERROR_CODES)("%s has a one-sentence summary and next step, without the code or internal words", (code) => {
    const { summary, nextStep } = explainError(code);
    expect(summary).toMatch(oneSentence);
    expect(nextStep).toMatch(oneSentence);
    expect(`${summary} ${nextStep}`).not.toMatch(/[A-Z]{2,}_[A-Z]|ffmpeg|stage|status/i);
  });

  it("explains exactly the codes AQ has", () => {
    expect(Object.keys(ERROR_EXPLANATIONS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it("offers retry where the service was the cause, not where the source was", () => {
    expect(isRetryableError("UPLOAD_FAILED")).toBe(true);
    expect(isRetryableError("INSUFFICIENT_DISK")).toBe(true);
    expect(isRetryableError("ENCODE_FAILED")).toBe(false);
    expect(explainError("ENCODE_FAILED").nextStep).toMatch(/upload a new file/i);
    expect(ERROR_CODES.filter((code) => code.startsWith("SOURCE_") && isRetryableError(code))).toEqual([]);
  });

  it("answers a code from outside the list with a plain sentence and no retry", () => {
    expect(explainError("UNAUTHENTICATED")).toEqual({
      summary: "Something went wrong.",
      nextStep: expect.stringMatching(oneSentence),
      retryable: false,
    });
  });
});
