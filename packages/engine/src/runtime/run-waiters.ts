import type { RunStatus } from "@sagaflow/shared";
import type { RunRef } from "./live-run";

interface Waiter {
  until: (status: RunStatus) => boolean;
  resolve: (run: RunRef) => void;
  reject: (error: Error) => void;
}

/** Callers of `Engine.waitFor`, per run, woken by the commits that reach the status they wait for. */
export class RunWaiters {
  private readonly byRun = new Map<string, Waiter[]>();

  wait(runId: string, until: (status: RunStatus) => boolean): Promise<RunRef> {
    return new Promise<RunRef>((resolve, reject) => {
      const list = this.byRun.get(runId) ?? [];
      list.push({ until, resolve, reject });
      this.byRun.set(runId, list);
    });
  }

  /** After a commit: resolves the waiters whose status arrived. */
  notify(runId: string, record: RunRef): void {
    const list = this.byRun.get(runId);
    if (!list) return;
    const remaining = list.filter((waiter) => {
      if (!waiter.until(record.status)) return true;
      waiter.resolve(record);
      return false;
    });
    if (remaining.length > 0) this.byRun.set(runId, remaining);
    else this.byRun.delete(runId);
  }

  /** The engine stopped driving the run (a refused commit, a lost lease): its waiters hear why. */
  fail(runId: string, error: Error): void {
    for (const waiter of this.byRun.get(runId) ?? []) waiter.reject(error);
    this.byRun.delete(runId);
  }
}
