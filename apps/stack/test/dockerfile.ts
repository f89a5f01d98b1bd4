export interface DockerInstruction {
  keyword: string;
  /** The arguments as written (continuations joined). */
  args: string;
  line: number;
}

export interface DockerStage {
  name: string | null;
  base: string;
  instructions: DockerInstruction[];
}

/** Splits a Dockerfile into stages of instructions, joining `\` continuations and dropping comments. */
export function parseDockerfile(text: string): DockerStage[] {
  const instructions: DockerInstruction[] = [];
  let pending = "";
  let startLine = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!pending && (line === "" || line.startsWith("#"))) return;
    if (pending && line.startsWith("#")) return;
    if (!pending) startLine = index + 1;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trimEnd()} `;
      return;
    }
    const full = (pending + line).trim();
    pending = "";
    const space = full.search(/\s/);
    instructions.push({ keyword: full.slice(0, space).toUpperCase(), args: full.slice(space + 1).trim(), line: startLine });
  });
  const stages: DockerStage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!match) throw new Error(`line ${instruction.line}: cannot read FROM ${instruction.args}`);
      stages.push({ base: match[1] as string, name: match[2] ?? null, instructions: [] });
    } else if (stages.length > 0) {
      (stages[stages.length - 1] as DockerStage).instructions.push(instruction);
    }
  }
  return stages;
}

export interface CopyInstruction {
  from: string | null;
  sources: string[];
  destination: string;
  line: number;
}

/** COPY/ADD of one stage: `--from`, the sources and the destination (shell or JSON form). */
export function copiesOf(stage: DockerStage): CopyInstruction[] {
  return stage.instructions
    .filter((i) => i.keyword === "COPY" || i.keyword === "ADD")
    .map((instruction) => {
      let rest = instruction.args;
      let from: string | null = null;
      for (;;) {
        const flag = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(rest);
        if (!flag) break;
        if (flag[1] === "from") from = flag[2] ?? null;
        rest = rest.slice(flag[0].length);
      }
      const parts = rest.startsWith("[") ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
      return { from, sources: parts.slice(0, -1), destination: parts[parts.length - 1] as string, line: instruction.line };
    });
}

/** The exec-form array of the last CMD/ENTRYPOINT in `chain` (a stage and its parents, nearest first). */
export function execForm(chain: DockerStage[], keyword: string): string[] | null {
  const args = lastValue(chain, keyword);
  if (args === null) return null;
  return args.startsWith("[") ? (JSON.parse(args) as string[]) : ["/bin/sh", "-c", args];
}

/** The value an instruction (USER, WORKDIR) has at the end of `chain` (a stage and its parents, nearest first). */
export function lastValue(chain: DockerStage[], keyword: string): string | null {
  for (const stage of chain) {
    const found = stage.instructions.filter((i) => i.keyword === keyword).pop();
    if (found) return found.args;
  }
  return null;
}

/** The stage and the stages it is built FROM, nearest first. */
export function lineage(stages: DockerStage[], stage: DockerStage): DockerStage[] {
  const chain = [stage];
  let current = stage;
  for (;;) {
    const parent = stages.find((s) => s.name !== null && s.name === current.base);
    if (!parent || chain.includes(parent)) return chain;
    chain.push(parent);
    current = parent;
  }
}
