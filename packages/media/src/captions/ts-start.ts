const TS_PACKET = 188;

/**
 * The earliest presentation timestamp (90 kHz) of the PES packets that start in this piece of an
 * MPEG-TS file (its first few hundred kilobytes): where the video's timeline begins, which
 * WebVTT segments map their times to. null when there is none.
 */
export function firstPresentationTimestamp(ts: Uint8Array): number | null {
  let earliest: number | null = null;
  for (let offset = 0; offset + TS_PACKET <= ts.length; offset += TS_PACKET) {
    if (ts[offset] !== 0x47) return earliest;
    const unitStart = (ts[offset + 1]! & 0x40) !== 0;
    const adaptation = (ts[offset + 3]! >> 4) & 0x3;
    if (!unitStart || (adaptation & 0x1) === 0) continue;
    let p = offset + 4;
    if (adaptation & 0x2) p += 1 + ts[p]!;
    if (p + 14 > offset + TS_PACKET) continue;
    if (ts[p] !== 0 || ts[p + 1] !== 0 || ts[p + 2] !== 1) continue;
    const streamId = ts[p + 3]!;
    const isAudioOrVideo = (streamId >= 0xc0 && streamId <= 0xdf) || (streamId >= 0xe0 && streamId <= 0xef);
    if (!isAudioOrVideo || (ts[p + 7]! & 0x80) === 0) continue;
    const b = p + 9;
    // 33 bits spread over 5 bytes with marker bits; multiplications keep it exact past 2^31.
    const pts =
      ((ts[b]! >> 1) & 0x07) * 2 ** 30 +
      ts[b + 1]! * 2 ** 22 +
      ((ts[b + 2]! >> 1) & 0x7f) * 2 ** 15 +
      ts[b + 3]! * 2 ** 7 +
      (ts[b + 4]! >> 1);
    earliest = earliest === null ? pts : Math.min(earliest, pts);
  }
  return earliest;
}
