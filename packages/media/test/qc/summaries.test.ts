import { describe, expect, it } from "vitest";
import { parseEbur128Summary } from "../../src/qc/loudness.js";
import { parseQualitySummary } from "../../src/qc/quality-sample.js";

const ebur128 = (integrated: string, peak: string) =>
  `[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         ${integrated} LUFS\n    Threshold: -33.0 LUFS\n\n  True peak:\n    Peak:       ${peak} dBFS\n`;

describe("parseEbur128Summary", () => {
  it("reads integrated loudness and true peak", () => {
    expect(parseEbur128Summary(ebur128("-23.4", "-1.2"))).toEqual({ integratedLufs: -23.4, truePeakDbtp: -1.2, silent: false });
  });

  it("calls audio at EBU R128's -70 LUFS gate silent, and digital silence has no peak", () => {
    expect(parseEbur128Summary(ebur128("-70.0", "-inf"))).toEqual({ integratedLufs: null, truePeakDbtp: null, silent: true });
  });

  it("refuses a log without a summary", () => {
    expect(() => parseEbur128Summary("ffmpeg version 5.1\n")).toThrow(/no ebur128 summary/);
  });
});

describe("parseQualitySummary", () => {
  it("reads the luma SSIM and PSNR of the last summary", () => {
    const log =
      "[Parsed_ssim_4 @ 0x1] SSIM Y:0.981234 (17.26) U:0.99 V:0.99 All:0.98 (17.5)\n[Parsed_psnr_5 @ 0x2] PSNR y:41.23 u:44.1 v:44.0 average:42.0 min:39 max:45\n";
    expect(parseQualitySummary(log)).toEqual({ ssimY: 0.981234, psnrY: 41.23 });
  });

  it("gives no PSNR for identical pictures", () => {
    expect(parseQualitySummary("SSIM Y:1.000000 (inf)\nPSNR y:inf u:inf v:inf average:inf\n")).toEqual({ ssimY: 1, psnrY: null });
  });
});
