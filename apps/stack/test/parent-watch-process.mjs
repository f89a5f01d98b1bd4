/* global process, setInterval */
// For launcher.test.ts: watches its parents as aq-stack.mjs does and, once orphaned, notes it in
// the file given as its argument and exits. Writes its pid there first.
import { appendFileSync, writeFileSync } from "node:fs";
import { watchParents } from "../bin/parent-watch.mjs";

const file = process.argv[2];
watchParents(() => {
  appendFileSync(file, "orphaned\n");
  process.exit(0);
}, 100);
writeFileSync(file, `${process.pid}\n`);
setInterval(() => {}, 1 << 30);
