/**
 * Runs `stop` on the first SIGINT/SIGTERM and exits with `code` when it is done. A second
 * Ctrl-C (at least a second later: npm may deliver the first one twice) exits at once; the
 * stack's exit hook then kills what is still running.
 */
export function stopOnSignal(stop: () => Promise<void>, log: (line: string) => void): void {
  let firstAt = 0;
  const handler = (signal: NodeJS.Signals) => {
    const code = signal === "SIGINT" ? 130 : 143;
    if (firstAt) {
      if (Date.now() - firstAt > 1000) {
        log("stopping at once");
        process.exit(code);
      }
      return;
    }
    firstAt = Date.now();
    log("stopping the stack (Ctrl-C again to stop at once)");
    stop().then(
      () => process.exit(code),
      (error: Error) => {
        log(`could not stop cleanly: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}
