import { dispatch } from "./dispatch";
import { processIo } from "./io";

/**
 * The `sagaflow` executable. `pnpm sagaflow <command> …` runs its build (bin/sagaflow.mjs, which builds
 * dist/cli/ with scripts/build-cli.mjs when the sources changed); `tsx src/cli/main.ts` runs the sources.
 */

// Exit once stdout has drained (a piped `--json` object must arrive whole), even if a custom action
// left a timer behind.
const code = await dispatch(process.argv.slice(2), processIo());
process.stdout.write("", () => process.exit(code));
