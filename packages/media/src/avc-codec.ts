import { open } from "node:fs/promises";

const TS_PACKET = 188;
const READ_BYTES = 256 * 1024;

/**
 * The RFC 6381 codec string of the H.264 stream in an MPEG-TS segment ("avc1.4d401f"), read from
 * its sequence parameter set: profile_idc, constraint flags and level_idc as the encoder wrote them.
 * null when no SPS is found near the start of the file.
 */
export async function readAvcCodecString(segmentPath: string): Promise<string | null> {
  const handle = await open(segmentPath, "r");
  try {
    const buffer = Buffer.alloc(READ_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, 0);
    return avcCodecFromTs(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** Collects the video PES payload (stream ids 0xE0-0xEF) of a TS buffer and finds the SPS NAL unit in it. */
export function avcCodecFromTs(ts: Buffer): string | null {
  const videoPids = new Set<number>();
  const payloads: Buffer[] = [];
  for (let offset = 0; offset + TS_PACKET <= ts.length; offset += TS_PACKET) {
    if (ts[offset] !== 0x47) return null;
    const b1 = ts[offset + 1]!;
    const b3 = ts[offset + 3]!;
    const pid = ((b1 & 0x1f) << 8) | ts[offset + 2]!;
    const unitStart = (b1 & 0x40) !== 0;
    const adaptation = (b3 >> 4) & 0x3;
    if ((adaptation & 0x1) === 0) continue;
    let start = offset + 4;
    if (adaptation & 0x2) start += 1 + ts[start]!;
    if (start >= offset + TS_PACKET) continue;
    let payload = ts.subarray(start, offset + TS_PACKET);
    if (unitStart && payload.length > 9 && payload[0] === 0 && payload[1] === 0 && payload[2] === 1) {
      const streamId = payload[3]!;
      if (streamId >= 0xe0 && streamId <= 0xef) {
        videoPids.add(pid);
        payload = payload.subarray(9 + payload[8]!);
      }
    }
    if (!videoPids.has(pid)) continue;
    payloads.push(payload);
    const codec = findSps(Buffer.concat(payloads));
    if (codec) return codec;
  }
  return null;
}

function findSps(es: Buffer): string | null {
  for (let i = 0; i + 6 < es.length; i++) {
    if (es[i] === 0 && es[i + 1] === 0 && es[i + 2] === 1 && (es[i + 3]! & 0x1f) === 7) {
      const hex = (n: number) => n.toString(16).padStart(2, "0");
      return `avc1.${hex(es[i + 4]!)}${hex(es[i + 5]!)}${hex(es[i + 6]!)}`;
    }
  }
  return null;
}
