import cliProgress from 'cli-progress';

export interface ProgressBar {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * A progress bar that appears only when work lasts more than a second and the output is a
 * terminal, so quick commands and logs stay clean.
 */
export function progressBar(label: string, delayMs = 1000): ProgressBar {
  const startedAt = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  let stopped = false;
  return {
    update(done, total) {
      if (stopped || !process.stderr.isTTY) return;
      if (bar === undefined) {
        if (Date.now() - startedAt < delayMs) return;
        bar = new cliProgress.SingleBar(
          { format: `  ${label} [{bar}] {percentage}% · {value}/{total}`, stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar?.stop();
    },
  };
}
