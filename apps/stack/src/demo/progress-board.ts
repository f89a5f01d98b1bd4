export const STAGES = ["upload", "probe", "encode", "store"] as const;
export type StageName = (typeof STAGES)[number];

type State = "waiting" | "active" | "done" | "failed";
interface Row {
  state: State;
  percent: number;
  detail: string;
}

const WIDTH = 30;

function bar(row: Row): string {
  const filled = Math.round((Math.min(100, Math.max(0, row.percent)) / 100) * WIDTH);
  return `${"█".repeat(filled)}${"░".repeat(WIDTH - filled)}`;
}

/**
 * One progress bar per pipeline stage. On a terminal the bars are redrawn in place; elsewhere
 * (CI logs, pipes) a line is printed when a stage starts, passes a quarter, or ends.
 */
export class ProgressBoard {
  private readonly rows = new Map<StageName, Row>(STAGES.map((stage) => [stage, { state: "waiting", percent: 0, detail: "" }]));
  private drawn = 0;
  private readonly lastQuarter = new Map<StageName, number>();

  constructor(private readonly out: NodeJS.WritableStream & { isTTY?: boolean }) {}

  /** Sets a stage's percent; every stage before it is complete. */
  update(stage: StageName, percent: number, detail = ""): void {
    const index = STAGES.indexOf(stage);
    STAGES.forEach((name, i) => {
      const row = this.rows.get(name) as Row;
      if (i < index && row.state !== "done") this.set(name, { state: "done", percent: 100, detail: row.detail });
    });
    this.set(stage, { state: percent >= 100 ? "done" : "active", percent, detail });
  }

  complete(): void {
    for (const stage of STAGES) {
      const row = this.rows.get(stage) as Row;
      if (row.state !== "done") this.set(stage, { state: "done", percent: 100, detail: row.detail });
    }
  }

  fail(stage: StageName, detail: string): void {
    const row = this.rows.get(stage) as Row;
    this.set(stage, { state: "failed", percent: row.percent, detail });
  }

  private set(stage: StageName, row: Row): void {
    const before = this.rows.get(stage) as Row;
    this.rows.set(stage, row);
    if (this.out.isTTY) {
      this.redraw();
      return;
    }
    const quarter = Math.floor(row.percent / 25);
    const changed = before.state !== row.state || quarter !== (this.lastQuarter.get(stage) ?? -1);
    this.lastQuarter.set(stage, quarter);
    if (changed) this.out.write(`${this.line(stage, row)}\n`);
  }

  private line(stage: StageName, row: Row): string {
    const mark = { waiting: " ", active: "›", done: "✔", failed: "✖" }[row.state];
    const percent = `${row.percent.toFixed(0).padStart(3)}%`;
    return `${mark} ${stage.padEnd(7)} ${bar(row)} ${percent}${row.detail ? `  ${row.detail}` : ""}`;
  }

  private redraw(): void {
    const lines = STAGES.map((stage) => this.line(stage, this.rows.get(stage) as Row));
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F` : "";
    this.out.write(`${up}${lines.map((line) => `\x1b[2K${line}`).join("\n")}\n`);
    this.drawn = lines.length;
  }
}
