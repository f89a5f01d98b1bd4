import { DEFAULT_SAMPLE, type SampleSpec } from "./sample-clip.js";

export interface DemoArgs {
  /** A video file to send; a sample is generated when absent. */
  file?: string;
  /** Stop the stack and exit when the video is done (exit code 0 only when READY). */
  exit: boolean;
  sample: SampleSpec;
  title?: string;
}

export const DEMO_USAGE = `usage: npm run demo -- [path/to/video.mp4] [--exit] [--title TEXT] [--sample-seconds N] [--sample-size WxH]
  path/to/video.mp4  the video to send (default: a generated ${DEFAULT_SAMPLE.seconds} s ${DEFAULT_SAMPLE.width}x${DEFAULT_SAMPLE.height} clip with audio)
  --exit             stop the stack when the video is done; exit code 0 only when it is READY
  --sample-seconds   duration of the generated clip
  --sample-size      frame size of the generated clip`;

export function parseDemoArgs(argv: string[]): DemoArgs {
  const args: DemoArgs = { exit: false, sample: { ...DEFAULT_SAMPLE } };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${DEMO_USAGE}`);
      return next;
    };
    if (arg === "--exit") args.exit = true;
    else if (arg === "--title") args.title = value();
    else if (arg === "--sample-seconds") {
      const seconds = Number(value());
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600)
        throw new Error(`--sample-seconds must be a number of seconds from 0 to 600`);
      args.sample.seconds = seconds;
    } else if (arg === "--sample-size") {
      const match = /^(\d{2,4})x(\d{2,4})$/.exec(value());
      if (!match || Number(match[1]) % 2 || Number(match[2]) % 2) throw new Error(`--sample-size must look like 1280x720 (even numbers)`);
      args.sample.width = Number(match[1]);
      args.sample.height = Number(match[2]);
    } else if (arg === "--help" || arg === "-h") throw new Error(DEMO_USAGE);
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}\n${DEMO_USAGE}`);
    else if (args.file) throw new Error(`one video at a time (got ${args.file} and ${arg})`);
    else args.file = arg;
  }
  return args;
}
