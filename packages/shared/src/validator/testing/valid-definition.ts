import fc from "fast-check";
import type { Definition, JsonValue, State, SubMachine } from "../../definition/schema";

/**
 * fast-check arbitraries of definitions that must validate with no errors (warnings allowed):
 * every target exists in its scope, every compensateWith names a compensation state, ids are unique,
 * expressions parse. Generated as builders so ids can be handed out once the shape is known.
 */

interface BuildContext {
  nextId: () => string;
  /** Ids a transition of this scope may go to (never compensation states). */
  targets: string[];
  /**
   * The states after this one: `next` and a choice's `otherwise` go forward, so every state reaches the
   * scope's last one (a succeed state) and the scope can always finish; choice branches, catches and
   * timeouts may still loop back.
   */
  forward: string[];
  compensations: string[];
}
type Build<T> = (context: BuildContext) => T;

const EXPRESSIONS = [
  "{% $input.orderId %}",
  "{% $steps.reserve.items[0].sku %}",
  "{% $count($input.items) > 2 %}",
  "{%$index%}",
  "{% $item.price * 1.2 %}",
  '{% $error.error = "Timeout" %}',
  "{% $run.id & '-' & $string($index) %}",
] as const;

const expression = fc.constantFrom(...EXPRESSIONS);
const duration = fc.oneof(
  fc.constantFrom("250ms", "30s", "5m", "2h", "1d", "1.5s"),
  fc.nat({ max: 100_000 }),
);
const key = fc.stringMatching(/^[a-z][a-zA-Z0-9_-]{0,8}$/);
const branchName = fc.constantFrom("main", "audit", "notify", "b_1", "Extra");
const literalText = fc.string({ maxLength: 12 }).filter((text) => !text.includes("{%"));

/** JSON values without -0, NaN or odd keys (they do not survive a JSON round trip unchanged). */
const jsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -1000, max: 1000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((n) => (n === 0 ? 0 : n)),
    literalText,
    expression,
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(key, tie("value"), { maxKeys: 3 }),
  ),
})).value;

const params = fc.dictionary(key, jsonValue, { maxKeys: 4 });

const retry = fc.record(
  {
    maxAttempts: fc.integer({ min: 1, max: 5 }),
    backoff: fc.constantFrom("fixed", "exponential" as const),
    initialDelay: duration,
    multiplier: fc.double({ min: 1, max: 4, noNaN: true }),
    maxDelay: duration,
    jitter: fc.oneof(fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true })),
    retryOn: fc.array(fc.constantFrom("*", "Timeout", "HttpError"), { minLength: 1, maxLength: 2 }),
    onTimeout: fc.record({
      retries: fc.nat({ max: 3 }),
      multiplier: fc.double({ min: 1, max: 3, noNaN: true }),
    }),
  },
  { requiredKeys: [] },
);

const onError = fc.constantFrom("compensate", "abort", "continue" as const);
const maxVisits = fc.integer({ min: 1, max: 500 });
/** An index into the scope's targets, or the end of the scope. */
const exit = fc.oneof(fc.nat(), fc.constant("end" as const));
const catchers = fc.array(
  fc.record({ errors: fc.constantFrom<string[]>(["*"], ["Timeout", "HttpError"]), target: fc.nat() }),
  {
    maxLength: 2,
  },
);

function pick(list: string[], index: number): string {
  return list[index % list.length]!;
}

function transition(context: BuildContext, choice: number | "end"): { next: string } | { end: true } {
  return choice === "end" || context.forward.length === 0
    ? { end: true }
    : { next: pick(context.forward, choice) };
}

/** null stays null (no compensation on purpose); an index picks one of the scope's compensations. */
function compensationOf(context: BuildContext, choice: number | null | undefined): string | null | undefined {
  if (choice === null) return null;
  if (choice === undefined || context.compensations.length === 0) return undefined;
  return pick(context.compensations, choice);
}

/** Drops undefined fields, so generated values equal what JSON keeps of them. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

const taskState: fc.Arbitrary<Build<State>> = fc
  .record(
    {
      action: fc.constantFrom("log", "sql.exec", "transform", "http.request"),
      params,
      exit,
      timeout: duration,
      retry,
      idempotent: fc.boolean(),
      effect: fc.constantFrom("none", "write" as const),
      compensateWith: fc.oneof(fc.nat(), fc.constant(null)),
      onError,
      catch: catchers,
      maxVisits,
      comment: literalText,
    },
    { requiredKeys: ["action", "exit"] },
  )
  .map(
    ({ exit: choice, compensateWith, catch: caught, ...fields }) =>
      (context: BuildContext) =>
        defined({
          type: "task" as const,
          ...fields,
          ...transition(context, choice),
          compensateWith: compensationOf(context, compensateWith),
          catch: caught?.map(({ errors, target }) => ({ errors, next: pick(context.targets, target) })),
        }),
  );

const compensationState: fc.Arbitrary<Build<State>> = fc
  .record(
    { action: fc.constantFrom("sqlite.restore", "file.delete", "log"), params, timeout: duration, retry },
    { requiredKeys: ["action"] },
  )
  .map((fields) => () => defined({ type: "compensation" as const, ...fields }));

const choiceState: fc.Arbitrary<Build<State>> = fc
  .record({
    rules: fc.array(
      fc.record({ when: expression, target: fc.nat(), label: fc.option(literalText, { nil: undefined }) }),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
    otherwise: fc.nat(),
  })
  .map(({ rules, otherwise }) => (context: BuildContext) => ({
    type: "choice" as const,
    choices: rules.map(({ when, target, label }) =>
      defined({ when, next: pick(context.targets, target), label }),
    ),
    otherwise: pick(context.forward.length > 0 ? context.forward : context.targets, otherwise),
  }));

const waitState: fc.Arbitrary<Build<State>> = fc
  .record({
    timer: fc.oneof(
      duration.map((value) => ({ duration: value })),
      fc
        .oneof(expression, fc.constantFrom("2030-01-01T00:00:00Z", "2031-06-15"))
        .map((value) => ({ until: value })),
    ),
    exit,
  })
  .map(({ timer, exit: choice }) => (context: BuildContext) => ({
    type: "wait" as const,
    ...timer,
    ...transition(context, choice),
  }));

const signalState: fc.Arbitrary<Build<State>> = fc
  .record(
    {
      signal: fc.constantFrom("approve", "payment_received"),
      timeout: duration,
      onTimeout: fc.oneof(fc.nat(), fc.constant("fail" as const)),
      exit,
    },
    { requiredKeys: ["signal", "exit"] },
  )
  .map(
    ({ exit: choice, onTimeout, ...fields }) =>
      (context: BuildContext) =>
        defined({
          type: "signal" as const,
          ...fields,
          ...transition(context, choice),
          onTimeout:
            onTimeout === undefined || onTimeout === "fail" ? onTimeout : pick(context.targets, onTimeout),
        }),
  );

const succeedState: fc.Arbitrary<Build<State>> = fc
  .record({ output: jsonValue }, { requiredKeys: [] })
  .map((fields) => () => defined({ type: "succeed" as const, ...fields }));

const failState: fc.Arbitrary<Build<State>> = fc
  .record(
    { error: literalText, message: fc.oneof(literalText, expression), compensate: fc.boolean() },
    { requiredKeys: [] },
  )
  .map((fields) => () => defined({ type: "fail" as const, ...fields }));

function parallelState(depth: number): fc.Arbitrary<Build<State>> {
  return fc
    .record({
      branches: fc.uniqueArray(fc.tuple(branchName, scope(depth - 1)), {
        minLength: 1,
        maxLength: 3,
        selector: ([name]) => name,
      }),
      exit,
      onError: fc.option(onError, { nil: undefined }),
      catch: fc.option(catchers, { nil: undefined }),
    })
    .map(
      ({ branches, exit: choice, onError: mode, catch: caught }) =>
        (context: BuildContext) =>
          defined({
            type: "parallel" as const,
            branches: Object.fromEntries(branches.map(([name, build]) => [name, build(context)])),
            ...transition(context, choice),
            onError: mode,
            catch: caught?.map(({ errors, target }) => ({ errors, next: pick(context.targets, target) })),
          }),
    );
}

function mapState(depth: number): fc.Arbitrary<Build<State>> {
  return fc
    .record({
      items: fc.oneof(expression, fc.array(jsonValue, { maxLength: 3 })),
      maxConcurrency: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
      iterator: scope(depth - 1),
      exit,
    })
    .map(
      ({ iterator, exit: choice, ...fields }) =>
        (context: BuildContext) =>
          defined({
            type: "map" as const,
            ...fields,
            iterator: iterator(context),
            ...transition(context, choice),
          }),
    );
}

function flowState(depth: number): fc.Arbitrary<Build<State>> {
  const leaves = [taskState, choiceState, waitState, signalState, succeedState, failState];
  return depth <= 0 ? fc.oneof(...leaves) : fc.oneof(...leaves, parallelState(depth), mapState(depth));
}

/** A scope of 1–5 flow states (the first is the start) and up to 2 compensation states. */
function scope(depth: number): fc.Arbitrary<Build<SubMachine>> {
  return fc
    .record({
      flow: fc
        .array(flowState(depth), { minLength: 0, maxLength: 4 })
        .chain((states) => succeedState.map((last) => [...states, last])),
      compensations: fc.array(compensationState, { maxLength: 2 }),
    })
    .map(({ flow, compensations }) => (outer: BuildContext) => {
      const flowIds = flow.map(() => outer.nextId());
      const compensationIds = compensations.map(() => outer.nextId());
      const states: Record<string, State> = {};
      flow.forEach((build, i) => {
        const forward = flowIds.slice(i + 1);
        states[flowIds[i]!] = build({ ...outer, targets: flowIds, forward, compensations: compensationIds });
      });
      const context = { ...outer, targets: flowIds, forward: [], compensations: compensationIds };
      compensations.forEach((build, i) => {
        states[compensationIds[i]!] = build(context);
      });
      return { startAt: flowIds[0]!, states };
    });
}

/** Valid definitions with parallel branches and map iterators nested up to `depth` levels. */
export function validDefinition(depth = 2): fc.Arbitrary<Definition> {
  const header = fc.record(
    {
      name: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,15}$/),
      title: literalText,
      description: literalText,
      timeout: duration,
      inputSchema: fc.constant({ type: "object", properties: { orderId: { type: "string" } } }),
    },
    { requiredKeys: ["name"] },
  );
  return fc.tuple(header, scope(depth)).map(([fields, build]) => {
    let counter = 0;
    const root = build({ nextId: () => `s${counter++}`, targets: [], forward: [], compensations: [] });
    const layout = Object.fromEntries(Object.keys(root.states).map((id, i) => [id, { x: i * 200, y: 0 }]));
    return { ...fields, ...root, layout };
  });
}
