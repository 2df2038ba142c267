import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helloDefinition, startTestServer, type TestServer } from "./helpers";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.client.definitions.save.mutate({ definition: helloDefinition() });
});
afterAll(() => t.stop());

const start = async () => (await t.client.runs.start.mutate({ name: "hello", input: { who: "ada" } })).runId;
const pause = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("runs.list over real HTTP: search by id and by start time", { timeout: 30_000 }, () => {
  it("finds runs by id prefix and by started-between, with any UTC offset in the bounds", async () => {
    const first = await start();
    await pause();
    const between = new Date();
    await pause();
    const second = await start();

    const byWholeId = await t.client.runs.list.query({ idPrefix: second });
    expect(byWholeId.runs.map((run) => run.id)).toEqual([second]);
    const byPrefix = await t.client.runs.list.query({ idPrefix: first.slice(0, 6) });
    expect(byPrefix.runs.map((run) => run.id)).toEqual([second, first]);
    expect((await t.client.runs.list.query({ idPrefix: "NOPE" })).runs).toEqual([]);

    const after = await t.client.runs.list.query({ startedAfter: between.toISOString() });
    expect(after.runs.map((run) => run.id)).toEqual([second]);
    // The same instant written with an offset: compared as a time, not as text.
    const local = new Date(between.getTime() + 2 * 3_600_000).toISOString().replace("Z", "+02:00");
    const before = await t.client.runs.list.query({ startedBefore: local });
    expect(before.runs.map((run) => run.id)).toEqual([first]);
  });

  it("refuses a bound that is not a time", async () => {
    await expect(t.client.runs.list.query({ startedAfter: "yesterday" })).rejects.toThrow();
  });
});
