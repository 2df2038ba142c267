/**
 * Log lines written to stderr once per event-loop turn instead of one `write` each. A served run logs
 * when it starts and when it ends, and those lines are written from inside the commit that started or
 * ended it, so a synchronous write per line (stderr on a pipe or a file is synchronous) sat between a
 * run's commit and the answer to whoever started it. Now a line is queued and the turn's lines go out
 * together right after the turn's I/O callbacks (`setImmediate`).
 *
 * Nothing is lost on a normal exit: the process's `exit` event (process.exit, the loop running dry, an
 * uncaught exception) writes what is queued, synchronously. A process killed outright (SIGKILL, a crash of
 * Node itself) loses at most the lines of its last turn, never a commit: logs say what happened, the
 * database is what happened.
 */
export interface LineSink {
  /** Queues one line (its newline included). */
  write(line: string): void;
  /** Writes what is queued now. */
  flush(): void;
}

/** Past this many queued characters a turn's lines are written at once rather than held. */
const MAX_QUEUED_CHARS = 64 * 1024;

export function turnBufferedLines(out: (text: string) => void): LineSink {
  let queued: string[] = [];
  let chars = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (queued.length === 0) return;
    const text = queued.join("");
    queued = [];
    chars = 0;
    out(text);
  };
  return {
    write(line) {
      queued.push(line);
      chars += line.length;
      if (chars >= MAX_QUEUED_CHARS) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

let stderrSink: LineSink | undefined;

/** The process's one buffered stderr (one `exit` listener, however many loggers write to it). */
export function stderrLines(): LineSink {
  if (!stderrSink) {
    const sink = turnBufferedLines((text) => process.stderr.write(text));
    process.on("exit", () => sink.flush());
    stderrSink = sink;
  }
  return stderrSink;
}
