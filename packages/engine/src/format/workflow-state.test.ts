import type { Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { createHarness, runToEnd } from "../../test/helpers";
import { MemoryRunStore } from "../store/memory-store";
import { formatWorkflowState } from "./workflow-state";

const migration: Definition = {
  name: "db-migration",
  startAt: "backup_database",
  states: {
    backup_database: {
      type: "task",
      action: "echo",
      params: { value: "/b.db" },
      onError: "abort",
      next: "apply_migration",
    },
    apply_migration: {
      type: "task",
      action: "echo",
      compensateWith: "restore_backup",
      next: "validate_data",
    },
    validate_data: { type: "task", action: "hang", next: "cleanup_backup" },
    cleanup_backup: { type: "task", action: "echo", onError: "continue", end: true },
    restore_backup: {
      type: "compensation",
      action: "echo",
      params: { value: "{% $steps.backup_database %}" },
    },
  },
};

describe("formatWorkflowState", () => {
  it("renders a running run as SPEC §3 shows it", async () => {
    const h = createHarness(new MemoryRunStore());
    await h.engine.start(migration, {}, { runId: "01JD6Q" });
    await h.engine.idle();
    const run = await h.engine.getRun("01JD6Q");
    if (!run) throw new Error("no run");
    expect(formatWorkflowState(migration, run, await h.store.getHistory("01JD6Q"))).toBe(
      [
        "Workflow: db-migration v1 · run 01JD6Q",
        "Current State: validate_data (running, attempt 1)",
        "History: backup_database → apply_migration → validate_data",
        "Next: cleanup_backup | on failure: compensate",
        "Compensation Stack: apply_migration ↩ restore_backup",
      ].join("\n"),
    );
  });

  it("renders a compensated run with its error and the compensations that ran", async () => {
    const h = createHarness(new MemoryRunStore());
    const failing: Definition = {
      ...migration,
      states: {
        ...migration.states,
        validate_data: {
          type: "task",
          action: "fail",
          params: { error: "ValidationError", message: "2 foreign key violations" },
          next: "cleanup_backup",
        },
      },
    };
    const run = await runToEnd(h, failing, {}, "r2");
    const text = formatWorkflowState(failing, run);
    expect(text).toContain("Current State: validate_data (compensated)");
    expect(text).toContain("Next: none");
    expect(text).toContain("Compensation Stack: (empty)");
    expect(text).toContain("Error: ValidationError: 2 foreign key violations");
    expect(text).toContain("Compensated: apply_migration ↩ restore_backup");
  });

  it("shows choices, waits, parallel branches and shortens long histories", async () => {
    const h = createHarness(new MemoryRunStore());
    const definition: Definition = {
      name: "shapes",
      startAt: "spin",
      states: {
        spin: { type: "task", action: "visit", next: "again" },
        again: {
          type: "choice",
          choices: [{ when: "{% $steps.spin.n < 20 %}", next: "spin", label: "spin again" }],
          otherwise: "both",
        },
        both: {
          type: "parallel",
          branches: {
            a: {
              startAt: "nap",
              states: { nap: { type: "wait", duration: "1h", next: "a_done" }, a_done: { type: "succeed" } },
            },
            b: {
              startAt: "ask",
              states: { ask: { type: "signal", signal: "ok", onTimeout: "fail", end: true } },
            },
          },
          end: true,
        },
      },
    };
    await h.engine.start(definition, {}, { runId: "r3" });
    await h.engine.idle();
    const run = await h.engine.getRun("r3");
    if (!run) throw new Error("no run");
    const text = formatWorkflowState(definition, run, await h.store.getHistory("r3"));
    expect(text).toMatch(
      /^Current State: both\.a\/nap \(waiting until .+\), both\.b\/ask \(waiting for signal "ok"\)$/m,
    );
    expect(text).toMatch(
      /^History: spin → again → spin → … 32 more … → again → spin → again → spin → again → both → nap → ask$/m,
    );
    expect(text).toContain("Next: a_done");
  });
});
